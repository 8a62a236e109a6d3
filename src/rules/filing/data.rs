//! Embedded data tables (see `rules/data/SOURCES.md`): province abbreviations used in filing
//! numbers, and every GB/T 2260 division code since 1981.

use std::collections::HashMap;
use std::sync::LazyLock;

const PREFIXES_CSV: &str = include_str!("../../../rules/data/province-filing-prefixes.csv");
const HISTORY_CSV: &str = include_str!("../../../rules/data/admin-divisions-history.csv");

/// A province and the abbreviations that stand for it in filing numbers.
#[derive(Debug, Clone)]
pub struct Province {
    /// The two-digit GB/T 2260 code (`44`).
    pub code: u8,
    /// The name (`广东省`).
    pub name: &'static str,
    /// The standard one-character abbreviation (`粤`).
    pub abbr: char,
    /// Every one-character form accepted (abbr, official alternates, observed prefixes).
    pub forms: Vec<char>,
}

/// A division code of the history file.
#[derive(Debug, Clone)]
pub struct Division {
    /// Name (`开平市`).
    pub name: &'static str,
    /// First year in use.
    pub start: Option<u16>,
    /// Year it ended (exclusive); `None` while in use.
    pub end: Option<u16>,
    /// Codes that replaced it.
    pub successors: &'static str,
}

static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for line in PREFIXES_CSV.lines().skip(1) {
        let cols: Vec<&'static str> = line.split(',').collect();
        if cols.len() < 6 {
            continue;
        }
        let Ok(code) = cols[0].trim().parse::<u8>() else {
            continue;
        };
        let Some(abbr) = single_char(cols[2]) else {
            continue;
        };
        let mut forms = vec![abbr];
        for field in &cols[3..6] {
            for part in field.split(';') {
                if let Some(c) = single_char(part)
                    && !forms.contains(&c)
                {
                    forms.push(c);
                }
            }
        }
        out.push(Province {
            code,
            name: cols[1].trim(),
            abbr,
            forms,
        });
    }
    out
});

static DIVISIONS: LazyLock<HashMap<u32, Division>> = LazyLock::new(|| {
    let mut out = HashMap::with_capacity(6_500);
    for line in HISTORY_CSV.lines().skip(1) {
        let cols: Vec<&'static str> = line.split(',').collect();
        if cols.len() < 6 {
            continue;
        }
        let Ok(code) = cols[0].trim().parse::<u32>() else {
            continue;
        };
        let div = Division {
            name: cols[1].trim(),
            start: cols[3].trim().parse().ok(),
            end: cols[4].trim().parse().ok(),
            successors: cols[5].trim(),
        };
        // A code reused later keeps its latest record (the current name).
        match out.get(&code) {
            Some(Division { end: None, .. }) => {}
            _ => {
                out.insert(code, div);
            }
        }
    }
    out
});

fn single_char(s: &str) -> Option<char> {
    let mut it = s.trim().chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Every province.
pub fn provinces() -> &'static [Province] {
    &PROVINCES
}

/// Every one-character province form, as a string (`PROV_CHARS` of RULES.md §0.4).
pub fn prov_chars() -> String {
    let mut s = String::new();
    for p in provinces() {
        for c in &p.forms {
            if !s.contains(*c) {
                s.push(*c);
            }
        }
    }
    s
}

/// The province an abbreviation stands for (`蜀` → 四川).
pub fn province_of_abbr(c: char) -> Option<&'static Province> {
    provinces().iter().find(|p| p.forms.contains(&c))
}

/// The province of a two-digit code.
pub fn province_of_code(code: u8) -> Option<&'static Province> {
    provinces().iter().find(|p| p.code == code)
}

/// The province of the first two digits of a digit string.
pub fn province_of_digits(digits: &str) -> Option<&'static Province> {
    digits
        .get(..2)?
        .parse::<u8>()
        .ok()
        .and_then(province_of_code)
}

/// A division code of any year since 1981.
pub fn division(code: u32) -> Option<&'static Division> {
    DIVISIONS.get(&code)
}

/// A division by the first six digits of a digit string.
pub fn division_of_digits(digits: &str) -> Option<(u32, &'static Division)> {
    let code: u32 = digits.get(..6)?.parse().ok()?;
    division(code).map(|d| (code, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_and_alternates() {
        assert_eq!(provinces().len(), 31);
        let chars = prov_chars();
        for c in "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵滇云藏陕秦甘陇青宁新".chars()
        {
            assert!(chars.contains(c), "{c} missing from {chars}");
        }
        assert!(!chars.contains('内'));
        assert_eq!(province_of_abbr('蜀').map(|p| p.code), Some(51));
        assert_eq!(province_of_abbr('陇').map(|p| p.code), Some(62));
        assert_eq!(province_of_abbr('云').map(|p| p.code), Some(53));
        assert_eq!(province_of_abbr('贵').map(|p| p.code), Some(52));
        assert_eq!(
            province_of_digits("44078302000116").map(|p| p.abbr),
            Some('粤')
        );
    }

    #[test]
    fn divisions_any_year() {
        let (_, kp) = division_of_digits("4407830003").expect("开平");
        assert_eq!(kp.name, "开平市");
        assert!(kp.end.is_none());
        let (_, xj) = division_of_digits("5101320017").expect("新津");
        assert_eq!(xj.end, Some(2020));
        assert_eq!(xj.successors, "510118");
        assert!(division_of_digits("4403920006").is_none());
        assert!(division_of_digits("110401").is_none());
    }
}
