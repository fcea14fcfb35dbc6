// Colours: a categorical palette for series and a sequential scale for densities.

/// An sRGB colour.
struct Color: Equatable {
    var red: Double
    var green: Double
    var blue: Double

    /// Parses "#rrggbb".
    init(hex: String) {
        let digits = Array(hex.utf8.dropFirst())
        func component(_ at: Int) -> Double {
            func nibble(_ c: UInt8) -> Int {
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
                default: return 0
                }
            }
            return Double(nibble(digits[at]) * 16 + nibble(digits[at + 1])) / 255
        }
        self.init(red: component(0), green: component(2), blue: component(4))
    }

    init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// "#rrggbb", lower case.
    var hex: String {
        let digits = Array("0123456789abcdef")
        var result = "#"
        for component in [red, green, blue] {
            let byte = Int((min(1, max(0, component)) * 255).rounded(.toNearestOrAwayFromZero))
            result.append(digits[byte / 16])
            result.append(digits[byte % 16])
        }
        return result
    }

    /// The colour a fraction `t` of the way from `self` to `other`.
    func mixed(with other: Color, by t: Double) -> Color {
        Color(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
              blue: blue + (other.blue - blue) * t)
    }
}

/// The colours given to series, in order: the Okabe–Ito palette, which stays distinguishable under
/// the common colour-vision deficiencies. Black, which the axes use, comes last.
enum Palette {
    static let colors: [String] = [
        "#0072b2",  // blue
        "#e69f00",  // orange
        "#009e73",  // bluish green
        "#d55e00",  // vermillion
        "#cc79a7",  // reddish purple
        "#56b4e9",  // sky blue
        "#f0e442",  // yellow
        "#000000",  // black
    ]

    /// The colour of legend entry `index`, cycling through the palette.
    static func color(_ index: Int) -> String {
        colors[((index % colors.count) + colors.count) % colors.count]
    }
}

/// The sequential colour scale of densities: viridis (perceptually uniform, colour-blind-friendly),
/// interpolated between nine stops and quantised to ``levels`` colours.
enum ColorScale {
    static let levels = 64

    private static let stops: [Color] = [
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725",
    ].map(Color.init(hex:))

    /// The quantised level, `0 ..< levels`, of a fraction `t` in 0...1.
    static func level(_ t: Double) -> Int {
        Int(flooring: t * Double(levels), to: 0...(levels - 1))
    }

    /// The colour of quantised level `level`.
    static func color(level: Int) -> String {
        let t = (Double(level) + 0.5) / Double(levels)
        let position = t * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        return stops[index].mixed(with: stops[index + 1], by: position - Double(index)).hex
    }
}
