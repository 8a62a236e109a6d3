//! Data tables: `a11y/td-headers-attr`, `a11y/th-has-data-cells`, `a11y/scope-attr-valid`,
//! `a11y/empty-table-header` (axe rules of the same names) and `a11y/td-has-header` (data
//! cells of a data table with no header; axe's experimental rule of that name, and the
//! "data table without `<th>`" check of the specification).
//!
//! Government sites lay pages out with tables, so whether a table holds data is decided by a
//! heuristic in the spirit of axe-core's: explicit signals (`<th>`, `<caption>`,
//! `<thead>`, `scope`, `headers`, `summary`, a grid role, a `border`) make it a data table;
//! nested tables, a single row or column, fewer than 10 cells make it a layout table.

use std::collections::HashMap;

use super::names::accessible_name;
use super::{A11yIndex, index};
use crate::page::{El, ElementId, Page};
use crate::rules::{PageCx, Rule};
use crate::tr;

/// A table laid out on a grid (colspan/rowspan applied).
pub struct Grid<'p> {
    /// Rows of cells; a spanning cell occupies several slots.
    pub slots: Vec<Vec<Option<ElementId>>>,
    /// Every cell, with its first row and column.
    pub cells: Vec<(El<'p>, usize, usize)>,
    /// Number of `<tr>` rows.
    pub rows: usize,
    /// Whether every slot of a row is a `<th>`.
    row_th: Vec<bool>,
    /// Whether every (present) slot of a column is a `<th>`.
    col_th: Vec<bool>,
    /// The spans would need more than [`MAX_SLOTS`] slots: the grid is incomplete and rules
    /// skip the table.
    pub truncated: bool,
}

/// Most grid slots filled per table (`colspan`/`rowspan` can ask for millions).
const MAX_SLOTS: usize = 2_000_000;

fn span(el: &El<'_>, attr: &str, max: usize) -> usize {
    el.attr(attr)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, max))
}

/// The rows of a table (its own, not those of nested tables).
fn rows_of<'p>(table: &El<'p>) -> Vec<El<'p>> {
    let mut rows = Vec::new();
    for c in table.children() {
        match c.name() {
            "tr" => rows.push(c),
            "thead" | "tbody" | "tfoot" => rows.extend(c.children().filter(|r| r.name() == "tr")),
            _ => {}
        }
    }
    rows
}

/// Builds the grid of a table.
pub fn grid<'p>(table: &El<'p>) -> Grid<'p> {
    let rows = rows_of(table);
    let mut slots: Vec<Vec<Option<ElementId>>> = vec![Vec::new(); rows.len()];
    let mut cells = Vec::new();
    let mut filled = 0usize;
    let mut truncated = false;
    'rows: for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in row.children().filter(|c| matches!(c.name(), "td" | "th")) {
            while slots[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            let cs = span(&cell, "colspan", 1000);
            let rs = span(&cell, "rowspan", 1000).min(rows.len() - r);
            filled += cs * rs;
            if filled > MAX_SLOTS {
                truncated = true;
                break 'rows;
            }
            for line in slots.iter_mut().skip(r).take(rs) {
                if line.len() < col + cs {
                    line.resize(col + cs, None);
                }
                for slot in line.iter_mut().skip(col).take(cs) {
                    *slot = Some(cell.id());
                }
            }
            cells.push((cell, r, col));
            col += cs;
        }
    }
    let page = table.page();
    let is_th = |id: Option<ElementId>| id.is_some_and(|i| page.el(i).name() == "th");
    let row_th = slots.iter().map(|l| l.iter().all(|s| is_th(*s))).collect();
    let width = slots.iter().map(Vec::len).max().unwrap_or(0);
    let mut col_th = vec![true; width];
    for line in &slots {
        for (c, s) in line.iter().enumerate() {
            if !is_th(*s) {
                col_th[c] = false;
            }
        }
    }
    Grid {
        rows: rows.len(),
        slots,
        cells,
        row_th,
        col_th,
        truncated,
    }
}

/// Whether a table holds data (see the module documentation).
pub fn is_data_table(table: &El<'_>, ix: &A11yIndex) -> bool {
    if let Some(r) = ix.explicit_role(table.id()) {
        match r.name() {
            "presentation" | "none" => return super::is_focusable(table),
            "grid" | "treegrid" | "table" => return true,
            _ => {}
        }
        if super::aria::def(r).kind == super::aria::Kind::Landmark {
            return true;
        }
    }
    if table.attr("datatable").is_some_and(|v| v.trim() == "0") {
        return false;
    }
    if table.attr("summary").is_some_and(|v| !v.trim().is_empty()) {
        return true;
    }
    if table
        .children()
        .any(|c| matches!(c.name(), "thead" | "tfoot" | "caption" | "colgroup"))
    {
        return true;
    }
    let rows = rows_of(table);
    let mut cells = 0;
    for row in &rows {
        for cell in row.children().filter(|c| matches!(c.name(), "td" | "th")) {
            if cell.name() == "th"
                || ["scope", "headers", "abbr"]
                    .iter()
                    .any(|a| cell.attr(a).is_some_and(|v| !v.is_empty()))
                || ix
                    .explicit_role(cell.id())
                    .is_some_and(|r| matches!(r.name(), "columnheader" | "rowheader"))
            {
                return true;
            }
            let mut kids = cell.children();
            if kids.next().is_some_and(|k| k.name() == "abbr") && kids.next().is_none() {
                return true;
            }
            cells += 1;
        }
    }
    if table.descendants().any(|d| d.name() == "table") {
        return false;
    }
    if rows.len() < 2 {
        return false;
    }
    let sample = &rows[rows.len().div_ceil(2).min(rows.len() - 1)];
    let sample_cells: Vec<El<'_>> = sample
        .children()
        .filter(|c| matches!(c.name(), "td" | "th"))
        .collect();
    if sample_cells.len() == 1 && span(&sample_cells[0], "colspan", 1000) == 1 {
        return false;
    }
    if sample_cells.len() >= 5 {
        return true;
    }
    if table
        .attr("border")
        .and_then(|b| b.trim().parse::<u32>().ok())
        .is_some_and(|b| b > 0)
    {
        return true;
    }
    if rows.len() >= 20 {
        return true;
    }
    if cells < 10 {
        return false;
    }
    if table
        .descendants()
        .any(|d| matches!(d.name(), "object" | "embed" | "iframe" | "applet"))
    {
        return false;
    }
    true
}

fn explicit(el: &El<'_>, ix: &A11yIndex) -> Option<&'static str> {
    ix.explicit_role(el.id()).map(super::Role::name)
}

/// How a header cell applies: (column header, row header).
fn header_kind(cell: &El<'_>, g: &Grid<'_>, r: usize, c: usize, ix: &A11yIndex) -> (bool, bool) {
    match explicit(cell, ix) {
        Some("columnheader") => return (true, false),
        Some("rowheader") => return (false, true),
        Some(_) => return (false, false),
        None => {}
    }
    if cell.name() != "th" {
        return (false, false);
    }
    match cell
        .attr("scope")
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("col" | "colgroup") => return (true, false),
        Some("row" | "rowgroup") => return (false, true),
        _ => {}
    }
    let row_all_th = g.row_th.get(r).copied().unwrap_or(false);
    let col_all_th = g.col_th.get(c).copied().unwrap_or(false);
    if row_all_th {
        (true, false)
    } else if col_all_th {
        (false, true)
    } else {
        (true, true)
    }
}

fn has_content(el: &El<'_>) -> bool {
    !el.visible_text().is_empty()
        || el
            .descendants()
            .any(|d| matches!(d.name(), "img" | "input" | "select" | "svg" | "object"))
}

fn data_tables<'p>(page: &'p Page, ix: &A11yIndex) -> Vec<El<'p>> {
    page.elements_named("table")
        .filter(|t| !ix.sr_hidden(t.id()) && is_data_table(t, ix))
        .collect()
}

/// `a11y/td-headers-attr`: a cell's `headers` attribute names itself, an id that is not a
/// cell of the same table, or a cell that is not a header.
pub struct TdHeadersAttr;

impl Rule for TdHeadersAttr {
    fn id(&self) -> &'static str {
        "a11y/td-headers-attr"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for table in page.elements_named("table") {
            if ix.sr_hidden(table.id()) || ix.is_presentational(table.id()) {
                continue;
            }
            let g = grid(&table);
            if g.truncated {
                continue;
            }
            let mut by_id: HashMap<String, (bool, bool)> = HashMap::new();
            for (cell, r, c) in &g.cells {
                if let Some(id) = cell.attr_trimmed("id") {
                    let kind = header_kind(cell, &g, *r, *c, &ix);
                    by_id.insert(id, kind);
                }
            }
            let mut problems: Vec<String> = Vec::new();
            let mut first: Option<El<'_>> = None;
            for (cell, _, _) in &g.cells {
                let Some(headers) = cell.attr_trimmed("headers") else {
                    continue;
                };
                if headers.is_empty() || ix.sr_hidden(cell.id()) {
                    continue;
                }
                let own = cell.attr_trimmed("id");
                for h in headers.split_whitespace() {
                    let problem = if own.as_deref() == Some(h) {
                        Some(tr!(
                            cx.lang,
                            "headers 指向单元格自己（{h}）",
                            "headers names the cell itself ({h})"
                        ))
                    } else {
                        match by_id.get(h) {
                            None => Some(tr!(
                                cx.lang,
                                "headers 中的 {h} 不是本表格的单元格",
                                "headers names {h}, which is not a cell of this table"
                            )),
                            Some((false, false)) => Some(tr!(
                                cx.lang,
                                "headers 中的 {h} 不是表头单元格",
                                "headers names {h}, which is not a header cell"
                            )),
                            _ => None,
                        }
                    };
                    if let Some(p) = problem {
                        first.get_or_insert(*cell);
                        if !problems.contains(&p) {
                            problems.push(p);
                        }
                    }
                }
            }
            if let Some(el) = first {
                let list = problems.join(cx.lang.pick("；", "; "));
                cx.report(&el, list);
            }
        }
    }
}

/// `a11y/th-has-data-cells`: a header cell of a data table that describes no data cell (a
/// `<th>` used for layout or for a title row).
pub struct ThHasDataCells;

impl Rule for ThHasDataCells {
    fn id(&self) -> &'static str {
        "a11y/th-has-data-cells"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for table in data_tables(page, &ix) {
            let g = grid(&table);
            if g.truncated {
                continue;
            }
            let mut referenced: std::collections::HashSet<String> =
                std::collections::HashSet::new();
            for (cell, _, _) in &g.cells {
                for a in ["headers", "aria-labelledby"] {
                    if let Some(v) = cell.attr(a) {
                        referenced.extend(v.split_whitespace().map(str::to_string));
                    }
                }
            }
            let kinds: HashMap<ElementId, (bool, bool)> = g
                .cells
                .iter()
                .map(|(c, r, col)| (c.id(), header_kind(c, &g, *r, *col, &ix)))
                .collect();
            let mut lonely: Vec<El<'_>> = Vec::new();
            for (cell, r, c) in &g.cells {
                let (col, row) = kinds.get(&cell.id()).copied().unwrap_or((false, false));
                if !(col || row) || cell.visible_text().is_empty() {
                    continue;
                }
                if cell.attr("id").is_some_and(|id| referenced.contains(&*id)) {
                    continue;
                }
                // As in axe-core: a column header needs a cell below it that is not itself a
                // column header (a row header counts); a row header, a cell to its right that
                // is not a row header.
                let not_col =
                    |id: ElementId| id != cell.id() && kinds.get(&id).is_some_and(|(hc, _)| !*hc);
                let not_row =
                    |id: ElementId| id != cell.id() && kinds.get(&id).is_some_and(|(_, hr)| !*hr);
                let below = col
                    && g.slots
                        .iter()
                        .skip(r + 1)
                        .any(|line| line.get(*c).copied().flatten().is_some_and(not_col));
                let right = row
                    && g.slots[*r]
                        .iter()
                        .skip(c + 1)
                        .any(|s| s.is_some_and(not_row));
                if !below && !right {
                    lonely.push(*cell);
                }
            }
            if let Some(first) = lonely.first() {
                let n = lonely.len();
                let texts: Vec<String> = lonely
                    .iter()
                    .take(3)
                    .map(|c| super::short(c.visible_text(), 12))
                    .collect();
                let msg = tr!(
                    cx.lang,
                    "数据表格中有 {n} 个表头单元格下方或右侧没有数据单元格（{}）",
                    "{n} header cells of a data table describe no data cell ({})",
                    texts.join(cx.lang.pick("、", ", "))
                );
                cx.report(first, msg).count = Some(n);
            }
        }
    }
}

/// `a11y/scope-attr-valid`: `scope` on a `<td>` (obsolete in HTML5) or with a value other
/// than `row`, `col`, `rowgroup`, `colgroup`.
pub struct ScopeAttrValid;

impl Rule for ScopeAttrValid {
    fn id(&self) -> &'static str {
        "a11y/scope-attr-valid"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named_any(&["td", "th"]) {
            let Some(scope) = el.attr_trimmed("scope") else {
                continue;
            };
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let valid = matches!(
                scope.to_ascii_lowercase().as_str(),
                "row" | "col" | "rowgroup" | "colgroup"
            );
            let msg = if el.name() == "td" {
                tr!(
                    cx.lang,
                    "scope 只能用在 <th> 上（这里是 <td scope=\"{scope}\">）",
                    "scope belongs on <th> only (found <td scope=\"{scope}\">)"
                )
            } else if !valid {
                tr!(
                    cx.lang,
                    "scope=\"{scope}\" 无效，应为 row、col、rowgroup 或 colgroup",
                    "scope=\"{scope}\" is invalid; use row, col, rowgroup or colgroup"
                )
            } else {
                continue;
            };
            cx.report(&el, msg);
        }
    }
}

/// `a11y/empty-table-header`: a table header cell with no text.
pub struct EmptyTableHeader;

impl Rule for EmptyTableHeader {
    fn id(&self) -> &'static str {
        "a11y/empty-table-header"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            let applies = match explicit(&el, &ix) {
                Some(r) => matches!(r, "columnheader" | "rowheader"),
                None => el.name() == "th" && !el.has_attr("role"),
            };
            if !applies || ix.sr_hidden(el.id()) {
                continue;
            }
            if accessible_name(&el).is_empty() {
                let msg = tr!(
                    cx.lang,
                    "表头单元格没有文字",
                    "table header cell has no text"
                );
                cx.report(&el, msg);
            }
        }
    }
}

/// `a11y/td-has-header`: in a data table of at least 3×3 cells, data cells with content have
/// no header (no `<th>` above or to their left, no `headers`): the header row is typed with
/// `<td>`, so screen readers cannot say which column a number belongs to. Reported once per
/// table.
pub struct TdHasHeader;

impl Rule for TdHasHeader {
    fn id(&self) -> &'static str {
        "a11y/td-has-header"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for table in data_tables(page, &ix) {
            let g = grid(&table);
            if g.truncated {
                continue;
            }
            let large = g.slots.len() >= 3 && g.slots.iter().take(3).all(|r| r.len() >= 3);
            if !large {
                continue;
            }
            let kinds: HashMap<ElementId, (bool, bool)> = g
                .cells
                .iter()
                .map(|(c, r, col)| (c.id(), header_kind(c, &g, *r, *col, &ix)))
                .collect();
            let is_header = |id: ElementId| kinds.get(&id).is_some_and(|(a, b)| *a || *b);
            // The first row holding a column header, per column; the first column holding a
            // row header, per row.
            let width = g.slots.iter().map(Vec::len).max().unwrap_or(0);
            let mut first_col_header = vec![usize::MAX; width];
            let mut first_row_header = vec![usize::MAX; g.slots.len()];
            for (r, line) in g.slots.iter().enumerate() {
                for (c, s) in line.iter().enumerate() {
                    let Some((col, row)) = s.and_then(|id| kinds.get(&id).copied()) else {
                        continue;
                    };
                    if col {
                        first_col_header[c] = first_col_header[c].min(r);
                    }
                    if row {
                        first_row_header[r] = first_row_header[r].min(c);
                    }
                }
            }
            let mut bare = 0usize;
            for (cell, r, c) in &g.cells {
                if is_header(cell.id()) || !has_content(cell) {
                    continue;
                }
                if cell.attr("headers").is_some_and(|h| !h.trim().is_empty())
                    || cell
                        .attr("aria-label")
                        .is_some_and(|h| !h.trim().is_empty())
                {
                    continue;
                }
                let col_header = first_col_header.get(*c).is_some_and(|f| f < r);
                let row_header = first_row_header.get(*r).is_some_and(|f| f < c);
                if !col_header && !row_header {
                    bare += 1;
                }
            }
            if bare == 0 {
                continue;
            }
            let th = g.cells.iter().any(|(c, _, _)| c.name() == "th");
            let rows = g.rows;
            let cols = g.slots.iter().map(Vec::len).max().unwrap_or(0);
            let msg = if th {
                tr!(
                    cx.lang,
                    "数据表格（{rows} 行 × {cols} 列）中有 {bare} 个数据单元格没有对应的表头",
                    "{bare} data cells of a data table ({rows} rows × {cols} columns) have no header"
                )
            } else {
                tr!(
                    cx.lang,
                    "数据表格（{rows} 行 × {cols} 列）没有 <th> 表头，{bare} 个数据单元格无法关联到表头（表头行应使用 <th>）",
                    "data table ({rows} rows × {cols} columns) has no <th>: {bare} data cells have no header (use <th> for the header row)"
                )
            };
            cx.report(&table, msg).count = Some(bare);
        }
    }
}
