import Testing
@testable import Plotting

@Suite struct TicksTests {
    @Test func unitRangeGetsStepsOfPointTwo() {
        let ticks = Ticks(in: 0...1, targetCount: 5)
        #expect(ticks.step == 0.2)
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    }

    @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        for span in [0.0007, 0.013, 0.9, 1, 3.3, 7.7, 12, 45, 999, 12_345, 4.4e9] {
            for count in 2...10 {
                let step = Ticks(in: 0...span, targetCount: count).step
                let exponent = step.log10Floor
                let mantissa = step / NumberFormat.pow10(Int(exponent))
                let isNice = [1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }
                #expect(isNice, "span \(span), count \(count): step \(step)")
            }
        }
    }

    @Test func stepIsTheNiceNumberNearestTheRawStep() {
        #expect(Ticks(in: 0...10, targetCount: 10).step == 1)
        #expect(Ticks(in: 0...10, targetCount: 4).step == 2)  // raw 2.5 -> 2
        #expect(Ticks(in: 0...10, targetCount: 2).step == 5)
        #expect(Ticks(in: 0...10, targetCount: 1).step == 10)
        #expect(Ticks(in: 0...1, targetCount: 3).step == 0.5)  // raw 0.33 -> 0.5
    }

    @Test func ticksLieInsideTheRangeEvenlySpaced() {
        let ranges: [ClosedRange<Double>] = [-3.7...12.2, 0.001...0.0093, -1e6...(-2e5), 17...17.5]
        for range in ranges {
            let ticks = Ticks(in: range, targetCount: 5)
            #expect(!ticks.values.isEmpty)
            #expect(ticks.values.count == ticks.labels.count)
            for value in ticks.values {
                #expect(value >= range.lowerBound - 1e-9 * ticks.step && value <= range.upperBound + 1e-9 * ticks.step)
            }
            for (a, b) in zip(ticks.values, ticks.values.dropFirst()) {
                #expect(abs((b - a) - ticks.step) <= 1e-9 * ticks.step)
            }
            // The first tick is the first multiple of the step at or above the lower bound.
            #expect(ticks.values[0] - ticks.step < range.lowerBound)
        }
    }

    @Test func labelsAreExactDecimalsWithoutNegativeZero() {
        let ticks = Ticks(in: 0.1...0.7, targetCount: 6)
        #expect(ticks.labels == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
        #expect(ticks.values[2] == 0.3)
        let symmetric = Ticks(in: -1...1, targetCount: 4)
        #expect(symmetric.labels == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
        #expect(Ticks(in: -3...3, targetCount: 6).labels == ["-3", "-2", "-1", "0", "1", "2", "3"])
        #expect(Ticks(in: 0...5000, targetCount: 5).labels == ["0", "1000", "2000", "3000", "4000", "5000"])
        #expect(Ticks(in: -0.05...0.05, targetCount: 4).labels == ["-0.04", "-0.02", "0.00", "0.02", "0.04"])
    }

    @Test func extremeStepsUseScientificNotation() {
        #expect(Ticks(in: 0...3e7, targetCount: 3).labels == ["0", "1e7", "2e7", "3e7"])
        #expect(Ticks(in: 0...4e-5, targetCount: 4).labels == ["0", "1e-5", "2e-5", "3e-5", "4e-5"])
        #expect(Ticks(in: 1e7...2e7, targetCount: 2).labels == ["1e7", "1.5e7", "2e7"])
        #expect(Ticks(in: -2e-6...0, targetCount: 2).labels == ["-2e-6", "-1e-6", "0"])
    }

    @Test func niceRangeWidensToMultiplesOfTheStep() {
        #expect(Ticks.niceRange(around: 0.03...0.87, targetCount: 5) == 0...1)
        #expect(Ticks.niceRange(around: -2.9...3.1, targetCount: 6) == -3...4)
        // Bounds already on the step stay put, despite rounding error.
        #expect(Ticks.niceRange(around: 0...0.30000000000000004, targetCount: 3) == 0...0.3)
    }

    @Test func zeroWidthRangesAreWidened() {
        let ticks = Ticks(in: 2...2, targetCount: 4)
        #expect(ticks.values.count >= 2)
        #expect(ticks.values.contains(2))
        #expect(Ticks.niceRange(around: 0...0, targetCount: 4) == -1...1)
    }
}
