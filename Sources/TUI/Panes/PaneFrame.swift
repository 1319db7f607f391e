import Engine
import Foundation

/// The five panes of the dashboard, in focus order (tab moves forward, shift-tab back).
public enum PaneKind: String, CaseIterable, Hashable, Sendable {
    case fitness, operations, loss, pareto, trials

    /// The title on the pane's border.
    public var title: String {
        switch self {
        case .fitness: return "Fitness"
        case .operations: return "Operations"
        case .loss: return "Loss"
        case .pareto: return "Pareto"
        case .trials: return "Trials"
        }
    }

    /// The next pane in focus order (wraps around).
    public var next: PaneKind {
        let all = PaneKind.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The previous pane in focus order (wraps around).
    public var previous: PaneKind {
        let all = PaneKind.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}

/// Something that draws one pane of the dashboard from a snapshot and the UI state.
/// Panes only draw; the state is `inout` because some keep scroll positions in range.
public protocol Pane {
    var snapshot: Snapshot { get }
    static var kind: PaneKind { get }
    func render(into canvas: inout Canvas, area: Rect, state: inout DashboardState)
}

/// A pane's border: the title at the top left, an optional dim subtitle at the top right,
/// and a highlighted, bold border when the pane has focus.
public struct PaneFrame {
    public var title: String
    public var subtitle: String?
    public var focused: Bool

    public init(title: String, subtitle: String? = nil, focused: Bool = false) {
        self.title = title; self.subtitle = subtitle; self.focused = focused
    }

    /// Draws the frame and returns the rect inside it (one cell in from every side).
    @discardableResult
    public func draw(into canvas: inout Canvas, area: Rect) -> Rect {
        let area = area.intersection(canvas.bounds)
        guard !area.isEmpty else { return .zero }
        canvas.fill(area)
        let border: Style = focused ? Style(fg: .role(.borderFocus), attrs: .bold) : .role(.border)
        let titleStyle: Style = focused ? Style(fg: .role(.borderFocus), attrs: .bold) : .role(.title, .bold)
        let inner = canvas.box(area, title: title, style: border, titleStyle: titleStyle)
        guard inner != area else { return area }  // too small for a border
        if let subtitle, !subtitle.isEmpty {
            // Right-aligned, one border cell before the corner, one cell after " Title ".
            let room = area.width - (1 + title.count + 2) - 1 - 2
            if room >= 6 {
                let t = " " + TextLayout.truncate(subtitle, width: room - 2, ellipsis: canvas.glyphs.ellipsis) + " "
                canvas.put(t, x: area.maxX - 2 - t.count, y: area.y, style: .role(.dim))
            }
        }
        return inner
    }
}

/// Number formats shared by the panes.
enum Format {
    /// A fraction as a percentage without the sign: 0.91234 → "91.23".
    static func percent(_ v: Double?, digits: Int = 2) -> String {
        guard let v, v.isFinite else { return "-" }
        return String(format: "%.\(digits)f", v * 100)
    }

    /// Milliseconds: "3.41", "12.5", "153".
    static func ms(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "-" }
        if abs(v) >= 100 { return String(format: "%.0f", v) }
        if abs(v) >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.2f", v)
    }

    /// A loss or fitness value: four significant-ish digits.
    static func value(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "-" }
        if abs(v) >= 1000 { return TextLayout.compact(v) }
        if abs(v) >= 10 { return String(format: "%.2f", v) }
        return String(format: "%.4f", v)
    }

    /// Counts: 812, 12.3k, 1.2M.
    static func count(_ n: Int?) -> String {
        guard let n else { return "-" }
        return TextLayout.compact(Double(n))
    }

    /// Seconds as m:ss or h:mm:ss.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let s = Int(seconds.rounded(.down))
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }
}

extension Canvas {
    /// A dim message centred in `area` (for panes with nothing to show yet).
    mutating func placeholder(_ text: String, in area: Rect) {
        guard !area.isEmpty else { return }
        let lines = TextLayout.wrap(text, width: area.width)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < area.maxY {
            put(line, in: Rect(x: area.x, y: top + i, width: area.width, height: 1), alignment: .center, style: .role(.dim))
        }
    }

    /// Draws left-to-right pieces of styled text on one row, clipped to `area`; returns the next column.
    @discardableResult
    mutating func legend(_ pieces: [(String, Style)], in area: Rect, row: Int = 0, separator: String = "  ") -> Int {
        guard !area.isEmpty, row >= 0, row < area.height else { return area.x }
        var x = area.x
        let y = area.y + row
        withClip(Rect(x: area.x, y: y, width: area.width, height: 1)) { c in
            for (i, (text, style)) in pieces.enumerated() where !text.isEmpty {
                if i > 0 && x > area.x { x = c.put(separator, x: x, y: y) }
                x = c.put(text, x: x, y: y, style: style)
            }
        }
        return x
    }
}
