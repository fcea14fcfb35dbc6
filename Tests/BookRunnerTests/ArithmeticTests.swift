import Foundation
import Testing
@testable import BookRunner

@Suite struct ArithmeticTests {
    static let zen4: Set = ["avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]
    static let haswell: Set = ["avx", "avx2", "fma"]

    /// The book's arithmetic is one BLAS kernel on one thread, whatever the CPU; the switch only adds the ISA.
    @Test func theBooksArithmeticIsTheSameOnEveryCPUWithAVX2() {
        for flags in [Self.zen4, Self.haswell] {
            let book = Arithmetic.book.environment(flags: flags, current: [:])
            #expect(book == ["OPENBLAS_CORETYPE": "HASWELL", "OPENBLAS_NUM_THREADS": "1", "TRUFL_KERNEL_ISA": "best"])
            #expect(Arithmetic.avx2.environment(flags: flags, current: [:])["TRUFL_KERNEL_ISA"] == "avx2")
            #expect(Arithmetic.book.note(flags: flags) == nil)
        }
        // A user's own kernel is overridden in the book's arithmetic, kept under native.
        #expect(Arithmetic.book.environment(flags: Self.zen4, current: ["OPENBLAS_CORETYPE": "ZEN"])["OPENBLAS_CORETYPE"] == "HASWELL")
        #expect(Arithmetic.native.environment(flags: Self.zen4, current: ["OPENBLAS_CORETYPE": "ZEN"])["OPENBLAS_CORETYPE"] == "ZEN")
        #expect(Arithmetic.native.environment(flags: Self.zen4, current: [:])["OPENBLAS_CORETYPE"] == "SKYLAKEX")
    }

    /// Where the committed outputs cannot be reproduced, one line says so and names the arithmetic they need.
    @Test func aMachineThatCannotReproduceIsToldWhy() {
        let old: Set = ["avx", "sse4_2"]
        let note = Arithmetic.book.note(flags: old) ?? ""
        #expect(note.contains("HASWELL") && note.contains("avx2, fma"))
        #expect(Arithmetic.book.environment(flags: old, current: [:])["OPENBLAS_CORETYPE"] == "SANDYBRIDGE")
        #expect(Arithmetic.native.note(flags: Self.zen4)?.contains("native") == true)
    }

    @Test func anUnknownArithmeticIsAnErrorNamingTheChoices() throws {
        #expect(try Arithmetic.fromEnvironment([:]) == .book)
        #expect(try Arithmetic.fromEnvironment(["TRUFL_ARITHMETIC": "avx2"]) == .avx2)
        do {
            _ = try Arithmetic.fromEnvironment(["TRUFL_ARITHMETIC": "fast"])
            Issue.record("'fast' was accepted")
        } catch {
            #expect("\(error)".contains("book, avx2, native"))
        }
    }

    /// `book run` counts what it did: chapters run, and those whose outputs differ from the committed ones.
    @Test func runsClosingLineCountsTheChaptersThatDiffer() {
        let ran = BookCommands.Report(ok: true, cached: false, details: "", summary: "")
        let differs = BookCommands.Report(ok: true, cached: false, differs: true, details: "", summary: "")
        let failed = BookCommands.Report(ok: false, cached: false, details: "", summary: "")
        #expect(BookCommands.closing(.run, [ran, differs, differs, failed]) == "chapters: 3 ran, 2 differ from their committed outputs, 1 failed to run")
        #expect(BookCommands.closing(.test, [ran, failed]) == "chapters: 1 passed, 1 failed")
    }
}
