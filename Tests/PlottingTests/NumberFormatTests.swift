import Testing
@testable import Plotting

@Suite struct NumberFormatTests {
    @Test func fixedRoundsHalfAwayFromZero() {
        #expect(NumberFormat.fixed(0.125, decimals: 2) == "0.13")
        #expect(NumberFormat.fixed(-0.125, decimals: 2) == "-0.13")
        #expect(NumberFormat.fixed(2.5, decimals: 0) == "3")
        #expect(NumberFormat.fixed(1234.5678, decimals: 1) == "1234.6")
        #expect(NumberFormat.fixed(0.001, decimals: 3) == "0.001")
        #expect(NumberFormat.fixed(7, decimals: 2) == "7.00")
    }

    @Test func fixedNeverGivesNegativeZero() {
        #expect(NumberFormat.fixed(-0.0, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(-0.4, decimals: 0) == "0")
        #expect(NumberFormat.compact(-0.001) == "0")
    }

    @Test func compactDropsTrailingZeros() {
        #expect(NumberFormat.compact(12.5) == "12.5")
        #expect(NumberFormat.compact(12.0) == "12")
        #expect(NumberFormat.compact(-3.999) == "-4")
        #expect(NumberFormat.compact(100.0) == "100")
        #expect(NumberFormat.compact(63.456) == "63.46")
    }

    @Test func shortKeepsThreeSignificantDigits() {
        #expect(NumberFormat.short(0) == "0")
        #expect(NumberFormat.short(0.98765) == "0.988")
        #expect(NumberFormat.short(0.000123456) == "0.000123")
        #expect(NumberFormat.short(-42.42) == "-42.4")
        #expect(NumberFormat.short(3.13e-17) == "3.13e-17")
        #expect(NumberFormat.short(1.5e8) == "1.5e8")
        #expect(NumberFormat.short(9.999e9) == "1e10")
    }

    @Test func nonFiniteValuesHaveFixedNames() {
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "nan")
        #expect(NumberFormat.fixed(-.infinity, decimals: 2) == "-inf")
    }

    @Test func floorOfLog10IsExactAtPowersOfTen() {
        for exponent in -20...20 {
            let power = NumberFormat.pow10(exponent)
            #expect(power.log10Floor == Double(exponent))
            #expect(power.nextDown.log10Floor == Double(exponent - 1))
        }
    }
}
