//! Charts drawn on the server as SVG text: no JavaScript, no CDN, no inline `style` (the CSP
//! forbids it). Pages embed the returned string with askama's `|safe`; every piece of text in
//! it is XML-escaped here. Each chart is `role="img"` with a `<title>` and `aria-label`, has a
//! `viewBox` so it scales to its container, and carries presentation attributes (`fill`,
//! `stroke`) as defaults that the `chart-*` rules in static/app.css override on screen and in
//! print. A chart with nothing to draw says so with the caller's translated text.
//!
//! Functions: [`bar_chart`] (horizontal bars, optional 0–100 % axis), [`column_chart`] (e.g.
//! the 24 hours of a day), [`line_chart`] (shares 0–100 % over months, several series),
//! [`stacked_chart`] (100 % bars: early / on time / late) and [`sparkline`].

use std::fmt::Write;

/// Width of every chart's coordinate system (the `viewBox`); the page decides the real size.
const W: f64 = 640.0;
/// Default fills, in series order (CSS classes `chart-s0`… override them).
const PALETTE: [&str; 6] = [
    "#0b4f9c", "#2e7d32", "#a4161a", "#b26a00", "#6a1b9a", "#4a4a4a",
];

/// What every chart needs besides its data.
#[derive(Debug, Clone, Copy)]
pub struct Caption<'a> {
    /// The chart's accessible name (`<title>` and `aria-label`).
    pub title: &'a str,
    /// Shown instead of the chart when there is nothing to draw ("Chưa có dữ liệu").
    pub empty: &'a str,
    /// Write decimals with a comma (Vietnamese: "39,19 %").
    pub comma: bool,
}

/// One bar or column.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    /// Negative values draw as 0.
    pub value: f64,
}

impl Item {
    pub fn new(label: impl Into<String>, value: f64) -> Item {
        Item {
            label: label.into(),
            value,
        }
    }
}

/// How bar lengths are scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// The largest value fills the width; values are counts.
    Auto,
    /// Values are percentages: the width is 0–100, with grid lines every 25.
    Percent,
}

/// One line of a line chart: a value (0–100) per x label; `None` leaves a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Option<f64>>,
}

/// One row of a 100 % stacked chart: counts per part, in the order of the part names.
#[derive(Debug, Clone, PartialEq)]
pub struct StackRow {
    pub label: String,
    pub counts: Vec<u64>,
}

/// `&`, `<`, `>`, `"` and `'` as XML entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as shown: at most 2 decimals, trailing zeros dropped, comma or dot; "—" when
/// it is not a number.
fn num(v: f64, comma: bool) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.2}", (v * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    let s = if s == "-0" { "0".to_string() } else { s };
    if comma { s.replace('.', ",") } else { s }
}

/// A label cut to `max` characters with an ellipsis (the full text stays in `<title>`).
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn open(out: &mut String, kind: &str, h: f64, cap: &Caption) {
    let t = escape(cap.title);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-type-{kind}" viewBox="0 0 {W} {h}" role="img" aria-label="{t}"><title>{t}</title>"#
    );
}

fn empty(kind: &str, cap: &Caption) -> String {
    let mut out = String::new();
    open(&mut out, kind, 60.0, cap);
    let _ = write!(
        out,
        r##"<text class="chart-empty" x="{}" y="36" text-anchor="middle" fill="#4a4a4a">{}</text></svg>"##,
        W / 2.0,
        escape(cap.empty)
    );
    out
}

/// A finite, non-negative value (anything else draws as 0).
fn pos(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Horizontal bars, one row per item, the label on the left and the value after the bar.
/// With [`Axis::Percent`] the width means 0–100 (values above 100 are cut at 100) and grid
/// lines mark 0, 25, 50, 75 and 100; with [`Axis::Auto`] the largest value fills the width.
pub fn bar_chart(cap: &Caption, items: &[Item], axis: Axis) -> String {
    if items.is_empty() {
        return empty("bar", cap);
    }
    const LEFT: f64 = 200.0;
    const PLOT: f64 = 360.0;
    const ROW: f64 = 28.0;
    const TOP: f64 = 8.0;
    let max = match axis {
        Axis::Percent => 100.0,
        Axis::Auto => items.iter().map(|i| pos(i.value)).fold(0.0, f64::max),
    };
    let h = TOP + ROW * items.len() as f64 + if axis == Axis::Percent { 24.0 } else { 8.0 };
    let mut out = String::new();
    open(&mut out, "bar", h, cap);
    if axis == Axis::Percent {
        let bottom = TOP + ROW * items.len() as f64;
        for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
            let x = LEFT + PLOT * t / 100.0;
            let _ = write!(
                out,
                r##"<line class="chart-grid" x1="{x}" y1="{TOP}" x2="{x}" y2="{bottom}" stroke="#c8c8c8"/><text class="chart-tick" x="{x}" y="{}" text-anchor="middle">{t}%</text>"##,
                bottom + 16.0
            );
        }
    }
    for (i, item) in items.iter().enumerate() {
        let v = pos(item.value);
        let len = if max > 0.0 {
            PLOT * v.min(max) / max
        } else {
            0.0
        };
        let y = TOP + ROW * i as f64;
        let shown = num(item.value, cap.comma) + if axis == Axis::Percent { " %" } else { "" };
        let full = escape(&item.label);
        let _ = write!(
            out,
            r##"<g class="chart-row"><title>{full}: {shown}</title><text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text><rect class="chart-bar chart-s0" x="{LEFT}" y="{}" width="{len:.2}" height="{}" fill="{}"/><text class="chart-value" x="{:.2}" y="{}">{shown}</text></g>"##,
            LEFT - 8.0,
            y + ROW / 2.0 + 5.0,
            escape(&cut(&item.label, 28)),
            y + 4.0,
            ROW - 8.0,
            PALETTE[0],
            LEFT + len + 6.0,
            y + ROW / 2.0 + 5.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns side by side (the 24 hours of a day, days of a month), labels below;
/// the largest value fills the height.
pub fn column_chart(cap: &Caption, items: &[Item]) -> String {
    if items.is_empty() {
        return empty("column", cap);
    }
    const LEFT: f64 = 16.0;
    const TOP: f64 = 20.0;
    const PLOT_H: f64 = 180.0;
    let h = TOP + PLOT_H + 28.0;
    let max = items.iter().map(|i| pos(i.value)).fold(0.0, f64::max);
    let slot = (W - 2.0 * LEFT) / items.len() as f64;
    let mut out = String::new();
    open(&mut out, "column", h, cap);
    let base = TOP + PLOT_H;
    let _ = write!(
        out,
        r##"<line class="chart-axis" x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="#4a4a4a"/>"##,
        W - LEFT
    );
    for (i, item) in items.iter().enumerate() {
        let v = pos(item.value);
        let len = if max > 0.0 { PLOT_H * v / max } else { 0.0 };
        let x = LEFT + slot * i as f64;
        let _ = write!(
            out,
            r##"<g class="chart-col"><title>{}: {}</title><rect class="chart-bar chart-s0" x="{:.2}" y="{:.2}" width="{:.2}" height="{len:.2}" fill="{}"/><text class="chart-tick" x="{:.2}" y="{}" text-anchor="middle">{}</text></g>"##,
            escape(&item.label),
            num(item.value, cap.comma),
            x + slot * 0.15,
            base - len,
            slot * 0.7,
            PALETTE[0],
            x + slot / 2.0,
            base + 16.0,
            escape(&cut(&item.label, 6)),
        );
    }
    out.push_str("</svg>");
    out
}

/// Shares (0–100 %) over time: one line per series over the x labels (months), grid lines
/// at 0, 25, 50, 75 and 100 %, a dot with a tooltip per value, a gap where a value is `None`,
/// and a legend below.
pub fn line_chart(cap: &Caption, x_labels: &[String], series: &[Series]) -> String {
    let any = series.iter().any(|s| s.points.iter().any(Option::is_some));
    if x_labels.is_empty() || !any {
        return empty("line", cap);
    }
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 12.0;
    const PLOT_H: f64 = 200.0;
    let legend_y = TOP + PLOT_H + 40.0;
    let h = legend_y + 20.0 * series.len().div_ceil(3) as f64 + 4.0;
    let plot_w = W - LEFT - RIGHT;
    let step = if x_labels.len() > 1 {
        plot_w / (x_labels.len() - 1) as f64
    } else {
        0.0
    };
    let x_of = |i: usize| {
        if x_labels.len() > 1 {
            LEFT + step * i as f64
        } else {
            LEFT + plot_w / 2.0
        }
    };
    let y_of = |v: f64| TOP + PLOT_H * (1.0 - pos(v).min(100.0) / 100.0);
    let mut out = String::new();
    open(&mut out, "line", h, cap);
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = y_of(t);
        let _ = write!(
            out,
            r##"<line class="chart-grid" x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#c8c8c8"/><text class="chart-tick" x="{}" y="{}" text-anchor="end">{t}%</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    // At most ~12 x labels, evenly thinned.
    let every = x_labels.len().div_ceil(12).max(1);
    for (i, l) in x_labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            out,
            r#"<text class="chart-tick" x="{:.2}" y="{}" text-anchor="middle">{}</text>"#,
            x_of(i),
            TOP + PLOT_H + 18.0,
            escape(&cut(l, 10))
        );
    }
    for (si, s) in series.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        let class = format!("chart-s{}", si % PALETTE.len());
        // Runs of consecutive values become one polyline each.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, p) in s.points.iter().enumerate().take(x_labels.len()) {
            match p {
                Some(v) => runs
                    .last_mut()
                    .expect("never empty")
                    .push((x_of(i), y_of(*v))),
                None => runs.push(Vec::new()),
            }
        }
        let _ = write!(out, r#"<g class="chart-series {class}">"#);
        for run in runs.iter().filter(|r| r.len() > 1) {
            let pts: Vec<String> = run.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
            let _ = write!(
                out,
                r#"<polyline class="chart-line" points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                pts.join(" ")
            );
        }
        for (i, p) in s.points.iter().enumerate().take(x_labels.len()) {
            if let Some(v) = p {
                let _ = write!(
                    out,
                    r#"<circle class="chart-dot" cx="{:.2}" cy="{:.2}" r="3" fill="{colour}"><title>{} – {}: {} %</title></circle>"#,
                    x_of(i),
                    y_of(*v),
                    escape(&s.name),
                    escape(&x_labels[i]),
                    num(*v, cap.comma)
                );
            }
        }
        out.push_str("</g>");
        legend(&mut out, si, &s.name, legend_y);
    }
    out.push_str("</svg>");
    out
}

/// A legend entry: three per line below the plot.
fn legend(out: &mut String, i: usize, name: &str, top: f64) {
    let x = 16.0 + 208.0 * (i % 3) as f64;
    let y = top + 20.0 * (i / 3) as f64;
    let _ = write!(
        out,
        r#"<g class="chart-legend"><rect class="chart-s{}" x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{y}">{}</text></g>"#,
        i % PALETTE.len(),
        y - 10.0,
        PALETTE[i % PALETTE.len()],
        x + 18.0,
        escape(&cut(name, 26))
    );
}

/// 100 % stacked bars: per row, each part's share of the row's total (e.g. early / on time /
/// late), with the percentage written inside parts wide enough for it and a legend below. A
/// row whose total is 0 shows an empty track.
pub fn stacked_chart(cap: &Caption, parts: &[String], rows: &[StackRow]) -> String {
    if rows.is_empty() || parts.is_empty() {
        return empty("stacked", cap);
    }
    const LEFT: f64 = 200.0;
    const PLOT: f64 = 420.0;
    const ROW: f64 = 30.0;
    const TOP: f64 = 8.0;
    let legend_y = TOP + ROW * rows.len() as f64 + 20.0;
    let h = legend_y + 20.0 * parts.len().div_ceil(3) as f64;
    let mut out = String::new();
    open(&mut out, "stacked", h, cap);
    for (r, row) in rows.iter().enumerate() {
        let y = TOP + ROW * r as f64;
        let total: u64 = row.counts.iter().take(parts.len()).sum();
        let _ = write!(
            out,
            r##"<g class="chart-row"><text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text><rect class="chart-track" x="{LEFT}" y="{}" width="{PLOT}" height="{}" fill="#eeeeee"/>"##,
            LEFT - 8.0,
            y + ROW / 2.0 + 5.0,
            escape(&cut(&row.label, 28)),
            y + 4.0,
            ROW - 8.0
        );
        let mut x = LEFT;
        for (i, &n) in row.counts.iter().take(parts.len()).enumerate() {
            let Some(p) = congbo_domain::report::pct(n, total) else {
                break;
            };
            let w = PLOT * n as f64 / total as f64;
            let shown = format!("{} %", num(p, cap.comma));
            let _ = write!(
                out,
                r#"<rect class="chart-seg chart-s{i}" x="{x:.2}" y="{}" width="{w:.2}" height="{}" fill="{}"><title>{} – {}: {n} ({shown})</title></rect>"#,
                y + 4.0,
                ROW - 8.0,
                PALETTE[i % PALETTE.len()],
                escape(&row.label),
                escape(&parts[i]),
            );
            if w >= 48.0 {
                let _ = write!(
                    out,
                    r##"<text class="chart-seg-text" x="{:.2}" y="{}" text-anchor="middle" fill="#ffffff">{shown}</text>"##,
                    x + w / 2.0,
                    y + ROW / 2.0 + 5.0
                );
            }
            x += w;
        }
        out.push_str("</g>");
    }
    for (i, name) in parts.iter().enumerate() {
        legend(&mut out, i, name, legend_y);
    }
    out.push_str("</svg>");
    out
}

/// A small line of values with no axes, for a table cell or a figure card; `None` values are
/// skipped. The scale runs from the smallest to the largest value shown.
pub fn sparkline(cap: &Caption, values: &[Option<f64>]) -> String {
    let pts: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    if pts.is_empty() {
        return empty("sparkline", cap);
    }
    const SW: f64 = 120.0;
    const SH: f64 = 30.0;
    let lo = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let span = hi - lo;
    let step = if values.len() > 1 {
        (SW - 4.0) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |(i, v): (usize, f64)| {
        let x = if values.len() > 1 {
            2.0 + step * i as f64
        } else {
            SW / 2.0
        };
        let y = if span > 0.0 {
            SH - 3.0 - (SH - 6.0) * (v - lo) / span
        } else {
            SH / 2.0
        };
        format!("{x:.2},{y:.2}")
    };
    let t = escape(cap.title);
    let line: Vec<String> = pts.iter().copied().map(xy).collect();
    let last = line.last().cloned().unwrap_or_default();
    let (lx, ly) = last.split_once(',').unwrap_or(("0", "0"));
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-type-sparkline" viewBox="0 0 {SW} {SH}" role="img" aria-label="{t}"><title>{t}</title><polyline class="chart-line chart-s0" points="{}" fill="none" stroke="{}" stroke-width="1.5"/><circle class="chart-dot chart-s0" cx="{lx}" cy="{ly}" r="2" fill="{}"/></svg>"#,
        line.join(" "),
        PALETTE[0],
        PALETTE[0]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: Caption = Caption {
        title: "Tỷ lệ đúng hạn",
        empty: "Chưa có dữ liệu",
        comma: true,
    };

    /// The value of attribute `attr` on every element whose class list contains `class`.
    fn attrs(svg: &str, class: &str, attr: &str) -> Vec<f64> {
        svg.split('<')
            .filter(|el| {
                el.split_once("class=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .is_some_and(|(c, _)| c.split(' ').any(|c| c == class))
            })
            .map(|el| {
                let key = format!(" {attr}=\"");
                let (_, rest) = el
                    .split_once(&key)
                    .unwrap_or_else(|| panic!("{attr} missing in <{el}"));
                rest.split_once('"').unwrap().0.parse().unwrap()
            })
            .collect()
    }

    fn well_formed(svg: &str) {
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("viewBox=\"0 0 "));
        assert!(svg.contains("<title>") && svg.contains("aria-label="));
        assert!(!svg.contains("style="), "the CSP forbids inline style");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(!svg.contains("<script"), "{svg}");
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let cap = Caption {
            title: "a<b & \"c\"",
            ..CAP
        };
        let bad = "<script>alert('x')</script>";
        let items = [Item::new(bad, 3.0)];
        for svg in [
            bar_chart(&cap, &items, Axis::Auto),
            column_chart(&cap, &items),
            line_chart(
                &cap,
                &[bad.to_string()],
                &[Series {
                    name: bad.into(),
                    points: vec![Some(50.0)],
                }],
            ),
            stacked_chart(
                &cap,
                &[bad.to_string()],
                &[StackRow {
                    label: bad.into(),
                    counts: vec![1],
                }],
            ),
            sparkline(&cap, &[Some(1.0)]),
        ] {
            well_formed(&svg);
            assert!(svg.contains("a&lt;b &amp; &quot;c&quot;"), "{svg}");
        }
        let svg = bar_chart(&CAP, &items, Axis::Auto);
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    }

    #[test]
    fn bars_are_proportional_to_values() {
        let items = [
            Item::new("Một", 10.0),
            Item::new("Hai", 20.0),
            Item::new("Bốn", 40.0),
        ];
        let svg = bar_chart(&CAP, &items, Axis::Auto);
        well_formed(&svg);
        let w = attrs(&svg, "chart-bar", "width");
        assert_eq!(w.len(), 3);
        assert_eq!(w[2], 360.0, "the largest fills the plot");
        assert!((w[1] / w[0] - 2.0).abs() < 1e-9 && (w[2] / w[0] - 4.0).abs() < 1e-9);
        // Percent axis: 50 % is half the plot whatever the other values; over 100 is cut.
        let svg = bar_chart(
            &CAP,
            &[Item::new("a", 50.0), Item::new("b", 150.0)],
            Axis::Percent,
        );
        assert_eq!(attrs(&svg, "chart-bar", "width"), vec![180.0, 360.0]);
        assert_eq!(attrs(&svg, "chart-grid", "x1").len(), 5);
        assert!(svg.contains("50 %"));
        // 24 columns, heights proportional.
        let hours: Vec<Item> = (0..24)
            .map(|h| Item::new(format!("{h}h"), h as f64))
            .collect();
        let svg = column_chart(&CAP, &hours);
        well_formed(&svg);
        let hs = attrs(&svg, "chart-bar", "height");
        assert_eq!(hs.len(), 24);
        assert_eq!((hs[0], hs[23]), (0.0, 180.0));
        assert!((hs[12] / hs[6] - 2.0).abs() < 1e-3, "rounded to 0.01");
    }

    #[test]
    fn zero_and_empty_data_do_not_divide_by_zero() {
        for svg in [
            bar_chart(&CAP, &[], Axis::Auto),
            column_chart(&CAP, &[]),
            line_chart(&CAP, &[], &[]),
            line_chart(
                &CAP,
                &["T1".into()],
                &[Series {
                    name: "x".into(),
                    points: vec![None],
                }],
            ),
            stacked_chart(&CAP, &["Sớm".into()], &[]),
            sparkline(&CAP, &[None, None]),
        ] {
            well_formed(&svg);
            assert!(svg.contains("Chưa có dữ liệu"), "{svg}");
        }
        let zeros = [Item::new("a", 0.0), Item::new("b", f64::NAN)];
        let svg = bar_chart(&CAP, &zeros, Axis::Auto);
        well_formed(&svg);
        assert_eq!(attrs(&svg, "chart-bar", "width"), vec![0.0, 0.0]);
        let svg = column_chart(&CAP, &zeros);
        well_formed(&svg);
        assert_eq!(attrs(&svg, "chart-bar", "height"), vec![0.0, 0.0]);
        let svg = stacked_chart(
            &CAP,
            &["Sớm".into(), "Đúng hạn".into(), "Trễ".into()],
            &[StackRow {
                label: "Xã A".into(),
                counts: vec![0, 0, 0],
            }],
        );
        well_formed(&svg);
        assert!(attrs(&svg, "chart-seg", "width").is_empty());
        assert_eq!(attrs(&svg, "chart-track", "width"), vec![420.0]);
        well_formed(&sparkline(&CAP, &[Some(5.0), Some(5.0)]));
        well_formed(&sparkline(&CAP, &[Some(5.0)]));
    }

    #[test]
    fn stacked_parts_share_the_row() {
        // Long An H1: 16,110 early, 24,885 on time, 116 late.
        let svg = stacked_chart(
            &CAP,
            &["Sớm".into(), "Đúng hạn".into(), "Trễ".into()],
            &[StackRow {
                label: "Long An".into(),
                counts: vec![16_110, 24_885, 116],
            }],
        );
        well_formed(&svg);
        let w = attrs(&svg, "chart-seg", "width");
        assert_eq!(w.len(), 3);
        assert!((w.iter().sum::<f64>() - 420.0).abs() < 0.05);
        assert!(svg.contains("39,19 %") && svg.contains("60,53 %") && svg.contains("(0,28 %)"));
    }

    #[test]
    fn lines_break_at_gaps_and_stay_in_the_plot() {
        let months: Vec<String> = (1..=6).map(|m| format!("T{m}")).collect();
        let svg = line_chart(
            &CAP,
            &months,
            &[
                Series {
                    name: "Đúng hạn".into(),
                    points: vec![Some(90.0), Some(95.5), None, Some(100.0), Some(98.0), None],
                },
                Series {
                    name: "Hài lòng".into(),
                    points: vec![Some(0.0); 6],
                },
            ],
        );
        well_formed(&svg);
        assert_eq!(
            svg.matches("<polyline").count(),
            3,
            "two runs + one full line"
        );
        assert_eq!(svg.matches("<circle").count(), 4 + 6);
        let ys = attrs(&svg, "chart-dot", "cy");
        assert!(ys.iter().all(|&y| (12.0..=212.0).contains(&y)));
        assert!(svg.contains("95,5 %"));
    }
}
