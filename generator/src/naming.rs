//! The only place where names are made: wire names become Rust names (casing, keyword
//! escaping, the rules a name must follow to become an identifier at all, the names derived
//! from others such as `clear_code`), class names become wire names, and wire names become
//! English for the generated docs (words, articles).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024, strict and reserved; as identifiers they need `r#` (or, for the
/// few that cannot be raw, a trailing underscore).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Checks that a wire name (a resource type, an attribute, a relationship) can become a Rust
/// identifier: ASCII lowercase letters, digits and underscores, with at least one letter and
/// no leading digit. The error says what a name must be.
pub fn check_wire_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let has_letter = name.bytes().any(|b| b.is_ascii_lowercase());
    let leading_digit = name.bytes().next().is_some_and(|b| b.is_ascii_digit());
    if !valid_chars || !has_letter || leading_digit {
        Err(
            "use lowercase ASCII letters, digits and underscores, with at least one letter and \
             no leading digit"
                .to_string(),
        )
    } else {
        Ok(())
    }
}

/// A field, method, parameter or module identifier for a checked wire name: the name
/// itself, escaped when it is a keyword (`type` -> `r#type`, `self` -> `self_`).
pub fn snake_ident(name: &str) -> String {
    escape_keyword(name)
}

/// The file name for a module identifier (`r#match` -> `match`).
pub fn module_file_name(ident: &str) -> String {
    ident.trim_start_matches("r#").to_string()
}

/// An UpperCamelCase type identifier for a checked wire name (`customer_group` ->
/// `CustomerGroup`, `_place` -> `Place`, `self` -> `Self_`).
pub fn type_ident(name: &str) -> Result<String, String> {
    let camel = name.to_upper_camel_case();
    match camel.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => Ok(escape_keyword(&camel)),
        _ => Err(format!(
            "`{name}` cannot become a Rust type name: its UpperCamelCase form `{camel}` \
             does not start with a letter"
        )),
    }
}

/// An enum variant for an enum value, which may be any string (`in_progress` ->
/// `InProgress`, `two-month` -> `TwoMonth`, `3ds` -> `V3ds`).
pub fn variant_ident(value: &str) -> Result<String, String> {
    let words: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = words.to_snake_case().to_upper_camel_case();
    match camel.chars().next() {
        None => Err(format!(
            "enum value {value:?} cannot become a Rust variant: it has no ASCII letters or digits"
        )),
        Some(first) if first.is_ascii_digit() => Ok(format!("V{camel}")),
        Some(_) => Ok(escape_keyword(&camel)),
    }
}

fn escape_keyword(ident: &str) -> String {
    if NOT_RAW.contains(&ident) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident) {
        format!("r#{ident}")
    } else {
        ident.to_string()
    }
}

/// The method of a builder or endpoint for a checked wire name: the name without its
/// leading underscores (`_place` -> `place`), unless that bare name is `taken` by another
/// name of the resource (`_update` beside the `update` action stays `_update`); escaped
/// like [`snake_ident`].
pub fn method_ident(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let bare = name.trim_start_matches('_');
    if bare == name || taken(bare) {
        snake_ident(name)
    } else {
        snake_ident(bare)
    }
}

/// The builder method clearing what `method` sets: `clear_code` for `code`, `clear_type`
/// for `r#type`, `clear_note` for `_note`.
pub fn clear_method(method: &str) -> String {
    format!(
        "clear_{}",
        method.trim_start_matches("r#").trim_start_matches('_')
    )
}

/// A type named after the resource's struct and what it holds: `CustomerGroup` and
/// `Create` make `CustomerGroupCreate`; `LineItem` and the relationship variant `Item`
/// make `LineItemItem`, the enum of a polymorphic relationship.
pub fn compound_type(struct_name: &str, suffix: &str) -> String {
    format!("{struct_name}{suffix}")
}

/// The string enum of an enum attribute: the struct and the attribute's type name, without
/// a keyword's trailing underscore (`Order` and `status` make `OrderStatus`, `Thing` and
/// `self` make `ThingSelf`).
pub fn value_enum(struct_name: &str, attribute: &str) -> Result<String, String> {
    let camel = type_ident(attribute)?;
    Ok(format!("{struct_name}{}", camel.trim_end_matches('_')))
}

/// A class name of the vendor catalogue as a wire name: `PaymentSource` ->
/// `payment_source` (an underscore before every capital but the first).
pub fn snake_case(class_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in class_name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A wire name as English words: `customer_groups` -> `customer groups`, `_place` ->
/// `place`.
pub fn words(wire: &str) -> String {
    wire.trim_matches('_').replace('_', " ")
}

/// The indefinite article for a phrase, by the sound its first word starts with: `an` for
/// `order`, `address` or "\[`Order`\]" (Markdown before the word is skipped), `a` for `sku`,
/// `user`, `unique` or `one-time`.
pub fn article(phrase: &str) -> &'static str {
    /// Words that start with a vowel letter and a consonant sound ("you", "w").
    const CONSONANT_SOUND: &[&str] = &[
        "eu", "one", "once", "ubiq", "uganda", "ukrain", "unanim", "uni", "uranium", "url", "usa",
        "usab", "usag", "use", "using", "usu", "uten", "uti", "uuid",
    ];
    /// Words that start with a consonant letter and a vowel sound.
    const VOWEL_SOUND: &[&str] = &["heir", "honest", "honor", "honour", "hour"];
    /// `uni-` words that start with "un", not "you".
    const UN: &[&str] = &["unin", "unim", "unid"];
    let word = phrase
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| word.starts_with(p));
    // A lone letter, or a letter before a digit (`x2`), is read by the letter's name.
    let mut chars = word.chars();
    let spelled = match (chars.next(), chars.next()) {
        (Some(first), None) => Some(first),
        (Some(first), Some(next)) if first.is_alphabetic() && !next.is_alphabetic() => Some(first),
        _ => None,
    };
    if let Some(letter) = spelled {
        return if "aefhilmnorsx8".contains(letter) {
            "an"
        } else {
            "a"
        };
    }
    let vowel = match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => !starts(CONSONANT_SOUND) || starts(UN),
        Some('8') => true,
        Some(_) => starts(VOWEL_SOUND),
        None => false,
    };
    if vowel { "an" } else { "a" }
}

/// A phrase with its indefinite article: `an order`, `a customer group`, "an \[`Address`\]".
pub fn with_article(phrase: &str) -> String {
    format!("{} {phrase}", article(phrase))
}

/// The text with its first letter in upper case: `an order` -> `An order`.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A Rust string literal for any text: quotes, backslashes and control characters escaped.
pub fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// Documentation attributes for prose from a spec: [`escape_markdown`], then [`doc_attrs`].
///
/// This is the path by which spec prose reaches generated code.
pub fn prose_docs(text: &str) -> Vec<String> {
    doc_attrs(&escape_markdown(text))
}

/// Documentation attributes for Markdown the generator wrote (with spec prose already passed
/// through [`escape_markdown`]): one `#[doc = "..."]` per line.
///
/// Each line becomes a string literal, so no text can end the comment or add an item.
/// Leading indentation and control characters are dropped (rustdoc would run an indented
/// line as a doctest; a bare carriage return is not allowed in a doc comment), and runs of
/// blank lines collapse into one paragraph break.
pub fn doc_attrs(markdown: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in markdown.lines() {
        let raw = raw.trim();
        // Most lines are printable ASCII: nothing to map or drop.
        let line: std::borrow::Cow<str> = if raw.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            raw.into()
        } else {
            raw.chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|&c| !invisible(c))
                .collect::<String>()
                .into()
        };
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        wrap(&line, DOC_WIDTH, &mut lines);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.iter().map(|line| doc_attr(line)).collect()
}

/// `#[doc = " {line}"]`, for a line without control characters: only quotes and
/// backslashes need escaping in the literal.
fn doc_attr(line: &str) -> String {
    if line.is_empty() {
        return "#[doc = \"\"]".to_string();
    }
    let mut out = String::with_capacity(line.len() + 16);
    out.push_str("#[doc = \" ");
    for c in line.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push_str("\"]");
    out
}

/// Characters that do not belong in a doc comment: control characters (a bare carriage
/// return is an error there), line and paragraph separators, zero-width characters, and the
/// bidirectional overrides and isolates that rustc rejects in comments (Trojan Source).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Doc lines are wrapped at this many characters of text.
const DOC_WIDTH: usize = 88;

/// Greedy word wrap. A line never starts with a word Markdown would read as the start of a
/// block (a heading, a list item, a quote, a table), so wrapping cannot change what the text
/// means; a word longer than the width stays whole.
fn wrap(line: &str, width: usize, out: &mut Vec<String>) {
    if line.len() <= width || line.chars().count() <= width {
        out.push(line.to_string());
        return;
    }
    let starts_block = |word: &str| {
        let first = word.chars().next().unwrap_or(' ');
        matches!(first, '#' | '-' | '+' | '*' | '>' | '=' | '|')
            || (first.is_ascii_digit()
                && word
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with(['.', ')']))
    };
    let mut current = String::new();
    let mut current_width = 0;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let word_width = word.chars().count();
        let fits = current_width + 1 + word_width <= width;
        if current.is_empty() || fits || starts_block(word) {
            if !current.is_empty() {
                current.push(' ');
                current_width += 1;
            }
            current.push_str(word);
            current_width += word_width;
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(word);
            current_width = word_width;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
}

/// Spec text (an enum value, any string) in code font, or escaped as prose when it could
/// break out of the code span (a backtick, a line break).
pub fn code_span(text: &str) -> String {
    if text.is_empty() || text.contains('`') || text.chars().any(char::is_control) {
        escape_markdown(text)
    } else {
        format!("`{text}`")
    }
}

/// Escapes the Markdown in spec prose that could do more than format text: backticks and
/// tildes that fence code (rustdoc runs fenced code as doctests), brackets that make
/// intra-doc links, angle brackets that open HTML, and backslashes.
///
/// A web address becomes an autolink (`<https://...>`), so rustdoc links it instead of
/// warning about a bare URL.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            escape_word(word, &mut out);
        }
    }
    out
}

fn escape_word(word: &str, out: &mut String) {
    // An address, less the punctuation that ends the sentence or closes a quote around it.
    let start = if word.contains(':') {
        word.find("https://").or_else(|| word.find("http://"))
    } else {
        None
    };
    if let Some(start) = start {
        let rest = &word[start..];
        let url = rest.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'', '!', '?']);
        let linkable = url.len() > "https://".len()
            && !url.contains(|c: char| {
                matches!(c, '`' | '~' | '[' | ']' | '<' | '>' | '\\' | '"') || c.is_control()
            });
        if linkable {
            escape_word(&word[..start], out);
            out.push('<');
            out.push_str(url);
            out.push('>');
            escape_word(&rest[url.len()..], out);
            return;
        }
    }
    const MARKUP: [char; 7] = ['`', '~', '[', ']', '<', '>', '\\'];
    if !word.contains(MARKUP) {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if MARKUP.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        for ok in [
            "name",
            "customer_groups",
            "_place",
            "line_2",
            "x2",
            "__private",
            "gen",
        ] {
            assert_eq!(check_wire_name(ok), Ok(()), "{ok}");
        }
        for bad in ["", "Name", "foo-bar", "2nd", "_", "__", "é", "a b", "a.b"] {
            assert!(check_wire_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn snake_idents() {
        let table = [
            ("name", "name"),
            ("type", "r#type"),
            ("ref", "r#ref"),
            ("match", "r#match"),
            ("gen", "r#gen"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("super", "super_"),
            ("_place", "_place"),
            ("line_2", "line_2"),
        ];
        for (wire, ident) in table {
            assert_eq!(snake_ident(wire), ident, "{wire}");
        }
        assert_eq!(module_file_name("r#match"), "match");
        assert_eq!(module_file_name("self_"), "self_");
    }

    #[test]
    fn type_idents() {
        let table = [
            ("customer_group", "CustomerGroup"),
            ("_place", "Place"),
            ("self", "Self_"),
            ("type", "Type"),
            ("line_2", "Line2"),
            ("x2_thing", "X2Thing"),
        ];
        for (wire, ident) in table {
            assert_eq!(type_ident(wire).as_deref(), Ok(ident), "{wire}");
        }
        assert!(type_ident("_2fa").is_err());
    }

    #[test]
    fn variant_idents() {
        let table = [
            ("draft", "Draft"),
            ("in_progress", "InProgress"),
            ("two-month", "TwoMonth"),
            ("10 * * * *", "V10"),
            ("3ds", "V3ds"),
            ("EUR", "Eur"),
            ("self", "Self_"),
        ];
        for (value, ident) in table {
            assert_eq!(variant_ident(value).as_deref(), Ok(ident), "{value}");
        }
        assert!(variant_ident("---").is_err());
        assert!(variant_ident("").is_err());
    }

    #[test]
    fn method_idents() {
        let taken = |name: &str| ["update", "capture_amount_cents"].contains(&name);
        let table = [
            ("name", "name"),
            ("_place", "place"),
            ("__private", "private"),
            ("_update", "_update"),
            ("_capture_amount_cents", "_capture_amount_cents"),
            ("_type", "r#type"),
            ("type", "r#type"),
            ("_self", "self_"),
        ];
        for (wire, method) in table {
            assert_eq!(method_ident(wire, taken), method, "{wire}");
        }
    }

    #[test]
    fn clear_methods() {
        let table = [
            ("code", "clear_code"),
            ("r#type", "clear_type"),
            ("_note", "clear_note"),
            ("self_", "clear_self_"),
            ("shipping_address", "clear_shipping_address"),
        ];
        for (method, clear) in table {
            assert_eq!(clear_method(method), clear, "{method}");
        }
    }

    #[test]
    fn compound_types() {
        assert_eq!(
            compound_type("CustomerGroup", "Create"),
            "CustomerGroupCreate"
        );
        assert_eq!(compound_type("Super_", "Sort"), "Super_Sort");
        assert_eq!(compound_type("LineItem", "Self_"), "LineItemSelf_");
        assert_eq!(value_enum("Order", "status").as_deref(), Ok("OrderStatus"));
        assert_eq!(value_enum("Thing", "self").as_deref(), Ok("ThingSelf"));
        assert_eq!(value_enum("Thing", "type").as_deref(), Ok("ThingType"));
        assert_eq!(value_enum("Super_", "kind").as_deref(), Ok("Super_Kind"));
        assert!(value_enum("Thing", "_2fa").is_err());
    }

    #[test]
    fn class_names() {
        let table = [
            ("Order", "order"),
            ("PaymentSource", "payment_source"),
            ("SkuListItem", "sku_list_item"),
            ("OrderCopy", "order_copy"),
            ("X", "x"),
        ];
        for (class, wire) in table {
            assert_eq!(snake_case(class), wire, "{class}");
        }
    }

    #[test]
    fn english_words() {
        assert_eq!(words("customer_groups"), "customer groups");
        assert_eq!(words("_place"), "place");
        assert_eq!(words("in_stock_subscription"), "in stock subscription");
        assert_eq!(capitalize("an order"), "An order");
        assert_eq!(capitalize(""), "");
    }

    #[test]
    fn articles() {
        let table = [
            ("order", "an order"),
            ("address", "an address"),
            ("in stock subscription", "an in stock subscription"),
            ("easypost pickup", "an easypost pickup"),
            ("external gateway", "an external gateway"),
            ("import", "an import"),
            ("[`Order`]", "an [`Order`]"),
            ("[`Address`]", "an [`Address`]"),
            ("`InventoryModel`", "an `InventoryModel`"),
            ("hour", "an hour"),
            ("customer group", "a customer group"),
            ("sku", "a sku"),
            ("SKU", "a SKU"),
            ("[`Sku`]", "a [`Sku`]"),
            ("user", "a user"),
            ("unique code", "a unique code"),
            ("unit", "a unit"),
            ("uninstalled plugin", "an uninstalled plugin"),
            ("url", "a url"),
            ("euro", "a euro"),
            ("one-time code", "a one-time code"),
            ("webhook", "a webhook"),
            ("x", "an x"),
            ("x2 line", "an x2 line"),
            ("b2b order", "a b2b order"),
            ("8-bit value", "an 8-bit value"),
        ];
        for (phrase, expected) in table {
            assert_eq!(with_article(phrase), expected, "{phrase}");
        }
    }

    #[test]
    fn doc_text_cannot_become_code() {
        let hostile = "Ends */ here.\n```\nfn evil() {}\n```\n    indented code\n} fn evil() { \"quote\" `tick` [link] <b>\r\n\n\n\nlast";
        let attrs = prose_docs(hostile);
        assert_eq!(
            attrs,
            [
                r#"#[doc = " Ends */ here."]"#,
                r#"#[doc = " \\`\\`\\`"]"#,
                r#"#[doc = " fn evil() {}"]"#,
                r#"#[doc = " \\`\\`\\`"]"#,
                r#"#[doc = " indented code"]"#,
                r#"#[doc = " } fn evil() { \"quote\" \\`tick\\` \\[link\\] \\<b\\>"]"#,
                r#"#[doc = ""]"#,
                r#"#[doc = " last"]"#,
            ]
        );
        // Each attribute is a single doc attribute and nothing else.
        for attr in &attrs {
            let parsed: syn::File = syn::parse_str(&format!("{attr} struct S;")).unwrap();
            assert_eq!(parsed.items.len(), 1);
        }
    }

    #[test]
    fn long_lines_wrap_without_starting_blocks() {
        let text = "A string that you can use to add any external identifier to the resource. \
                    This can be useful for integrating the resource to an external system, \
                    like an ERP: - 1. # not a heading";
        let lines = doc_attrs(text);
        assert!(lines.len() > 1);
        for line in &lines {
            let text: String = syn::parse_str::<syn::LitStr>(&line[7..line.len() - 1])
                .unwrap()
                .value();
            assert!(text.chars().count() <= DOC_WIDTH + 1, "{text}");
            let first = text.trim_start().chars().next().unwrap();
            assert!(!matches!(first, '#' | '-' | '1'), "{text}");
        }
    }

    #[test]
    fn web_addresses_become_links() {
        assert_eq!(
            escape_markdown("See https://docs.commercelayer.io/core/x. Or \"http://a.b/c?d=1&e\","),
            "See <https://docs.commercelayer.io/core/x>. Or \"<http://a.b/c?d=1&e>\","
        );
        assert_eq!(escape_markdown("https://a/[x]"), "https://a/\\[x\\]");
        assert_eq!(
            escape_markdown("a\n  https://b.c d"),
            "a\n  <https://b.c> d"
        );
    }

    #[test]
    fn literals_escape_everything() {
        assert_eq!(string_literal("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        // Bidirectional overrides are escaped, not written (rustc denies them in literals).
        assert_eq!(string_literal("a\u{202E}b"), r#""a\u{202e}b""#);
    }

    #[test]
    fn invisible_characters_leave_docs() {
        let text = "left\u{202E}right\u{2066}x\u{2028}y\u{200B}z\u{FEFF}";
        assert_eq!(doc_attrs(text), [r#"#[doc = " leftrightxyz"]"#]);
    }
}
