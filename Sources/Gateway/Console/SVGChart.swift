/// One bar of a chart: its label on the x axis and its value in micros (may be negative).
struct ChartPoint: Sendable, Equatable {
    var label: String
    var value: Int64
}

/// Bar charts as inline SVG text, drawn on the server by a pure function of the series: no script, no
/// external file. The y axis shows the top, zero and (when there are negative values) the bottom, each
/// as an amount; every bar carries its value as a `<title>`, and non-zero bars print it above (or
/// below) themselves, so the figures can be read without hovering. Every text is XML-escaped.
enum SVGChart {
    static let width = 760
    static let height = 260
    static let left = 78, right = 12, top = 24, bottom = 46

    static func bars(_ points: [ChartPoint], title: String, format: (Int64) -> String) -> String {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<title>\(escape(title))</title>"
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        guard !points.isEmpty else {
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#ccc\"/>"
            svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" class=\"empty\">no data</text></svg>"
            return svg
        }
        let highest = max(0, points.map(\.value).max() ?? 0)
        let lowest = min(0, points.map(\.value).min() ?? 0)
        // the span is geometry only: amounts are printed from the integers
        // all zero: the zero line sits at the bottom, as it would under any positive bar
        let ceiling = highest == lowest ? 1.0 : Double(highest)
        let span = highest == lowest ? 1.0 : Double(highest) - Double(lowest)
        func y(_ value: Int64) -> Double {
            Double(top) + (ceiling - Double(value)) / span * Double(plotHeight)
        }
        let zero = y(0)
        // axes and y labels
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#555\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(fmt(zero))\" x2=\"\(left + plotWidth)\" y2=\"\(fmt(zero))\" stroke=\"#555\"/>"
        var ticks = [highest, 0]
        if lowest < 0 { ticks.append(lowest) }
        for tick in Set(ticks).sorted(by: >) {
            svg += "<text x=\"\(left - 6)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\" class=\"axis\">\(escape(format(tick)))</text>"
        }
        let step = Double(plotWidth) / Double(points.count)
        let barWidth = max(1.0, step * 0.7)
        let labelEvery = points.count <= 12 ? 1 : 5
        let rotate = points.count > 12
        for (index, point) in points.enumerated() {
            let x = Double(left) + Double(index) * step + (step - barWidth) / 2
            let top = min(y(point.value), zero), barHeight = abs(y(point.value) - zero)
            let valueText = escape(format(point.value))
            svg += "<rect class=\"bar\(point.value < 0 ? " negative" : "")\" x=\"\(fmt(x))\" y=\"\(fmt(top))\" "
                + "width=\"\(fmt(barWidth))\" height=\"\(fmt(barHeight))\"><title>\(escape(point.label)): \(valueText)</title></rect>"
            let centre = x + barWidth / 2
            if point.value != 0 {
                let labelY = point.value > 0 ? top - 3 : top + barHeight + 10
                if rotate {
                    svg += "<text class=\"value\" x=\"\(fmt(centre))\" y=\"\(fmt(labelY))\" text-anchor=\"\(point.value > 0 ? "start" : "end")\" "
                        + "transform=\"rotate(-90 \(fmt(centre)) \(fmt(labelY)))\">\(valueText)</text>"
                } else {
                    svg += "<text class=\"value\" x=\"\(fmt(centre))\" y=\"\(fmt(labelY))\" text-anchor=\"middle\">\(valueText)</text>"
                }
            }
            if index % labelEvery == 0 || index == points.count - 1 {
                svg += "<text class=\"axis\" x=\"\(fmt(centre))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(escape(point.label))</text>"
            }
        }
        svg += "</svg>"
        return svg
    }

    /// Coordinates with one decimal place at most.
    static func fmt(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
