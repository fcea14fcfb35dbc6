import Testing
@testable import BookSupport

@Suite struct BookPathsTests {
    /// A full-profile figure never takes the quick profile's name, which is the committed one `book test` checks.
    @Test func fullProfileFiguresGetTheirOwnNames() {
        #expect(BookPaths.figureName("04-prior.svg", profile: .quick) == "04-prior.svg")
        #expect(BookPaths.figureName("04-prior.svg", profile: .full) == "04-prior-full.svg")
        #expect(BookPaths.figureName("06-rate-small-full.svg", profile: .full) == "06-rate-small-full.svg")
        #expect(BookPaths.figureName("figure", profile: .full) == "figure-full")
        #expect(BookPaths.figureName("a.b.svg", profile: .full) == "a.b-full.svg")
    }
}
