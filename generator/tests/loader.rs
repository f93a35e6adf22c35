//! The spec loader against hostile files: nesting, encodings, folders, sizes, and a seeded
//! mutation run over the real specs that no input may panic or leave unlocated.
//!
//! The mutation run is bounded for CI; a maintainer runs it longer with
//! `SPEC_FUZZ_ITERATIONS=200000 SPEC_FUZZ_SEED=<any u64> cargo test --release
//! -p commercelayer-codegen --test loader -- spec_mutations --nocapture`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use generator::error::MAX_MESSAGE_CHARS;
use generator::spec::{self, MAX_DEPTH, MAX_FILE_BYTES};
use generator::{Error, SpecError};

/// A spec whose `example` is `levels` sequences deep, written as `- - - ... 1` on one line.
fn nested_example(levels: usize) -> String {
    format!(
        "type: things\nsingular: thing\nactions: [list]\nattributes:\n  name:\n    type: json\n    example:\n      {}1\n",
        "- ".repeat(levels)
    )
}

/// The one error a spec text gives, as a line.
fn error_of(name: &str, text: &[u8]) -> String {
    match spec::parse_bytes(Path::new(name), text) {
        Ok(file) => match generator::lower(&[file]) {
            Ok(_) => panic!("{name} loads and lowers"),
            Err(error) => error.to_string(),
        },
        Err(error) => error.to_string(),
    }
}

/// The root mapping, `attributes`, `name` and `example` hold 3 levels above the example's own.
const EXAMPLE_LEVELS: usize = MAX_DEPTH - 3;

#[test]
fn nesting_up_to_the_limit_loads() {
    let file = spec::parse(Path::new("things.yaml"), &nested_example(EXAMPLE_LEVELS)).unwrap();
    let mut example = file.spec.attributes["name"].example.as_ref().unwrap();
    let mut depth = 0;
    while let Some(inner) = example.as_array() {
        depth += 1;
        example = &inner[0];
    }
    assert_eq!(depth, EXAMPLE_LEVELS);
    generator::lower(&[file]).unwrap();
}

#[test]
fn nesting_past_the_limit_is_a_located_error() {
    let expected = |column: usize| {
        format!(
            "things.yaml:8:{column}: nested deeper than {MAX_DEPTH} levels, the most a spec may nest"
        )
    };
    // One level too many, then the 40 KB and 80 KB files of the attack run.
    for levels in [EXAMPLE_LEVELS + 1, 20_000, 40_000] {
        let text = nested_example(levels);
        assert_eq!(
            error_of("things.yaml", text.as_bytes()),
            expected(7 + 2 * EXAMPLE_LEVELS),
            "{levels} levels"
        );
    }
    // Flow sequences nest the same way; the YAML scanner reads them ahead of the parser and
    // stops at 255 levels, so a deeper one is refused there.
    let flow = |levels: usize| {
        format!(
            "type: things\nsingular: thing\nattributes:\n  name: {{type: json, example: {}}}\n",
            "[".repeat(levels)
        )
    };
    for (levels, column) in [(100, 31 + EXAMPLE_LEVELS), (40_000, 31 + 254)] {
        assert_eq!(
            error_of("things.yaml", flow(levels).as_bytes()),
            format!(
                "things.yaml:4:{column}: nested deeper than {MAX_DEPTH} levels, the most a spec may nest"
            ),
            "{levels} levels"
        );
    }
    // The mapping opened on line `n + 2` is `n + 1` levels deep.
    let mut mappings = String::from("type: things\n");
    for level in 0..100 {
        mappings.push_str(&format!("{}k:\n", " ".repeat(level)));
    }
    assert_eq!(
        error_of("things.yaml", mappings.as_bytes()),
        format!(
            "things.yaml:{}:{}: nested deeper than {MAX_DEPTH} levels, the most a spec may nest",
            MAX_DEPTH + 2,
            MAX_DEPTH + 1
        )
    );
}

#[test]
fn non_utf8_bytes_are_located() {
    let mut text = b"type: things\nsingular: thing\ndescription: caf".to_vec();
    text.push(0xe9); // Latin-1 `é`
    text.extend_from_slice(b" au lait\n");
    let message = error_of("things.yaml", &text);
    assert_eq!(
        message,
        "things.yaml:3:17: not UTF-8 (byte 0xe9): a spec must be UTF-8 text"
    );
    insta::assert_snapshot!("non_utf8", message);

    // A character cut short by the end of the file; columns count characters, not bytes.
    let cut = "type: things\ndescription: café ☕".as_bytes();
    assert_eq!(
        error_of("things.yaml", &cut[..cut.len() - 1]),
        "things.yaml:2:19: not UTF-8 (a character cut short by the end of the file): a spec must be UTF-8 text"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let path = Path::new("spec/customer_groups.yaml");
    // Without its comment header, so that the mark sits right before the first key.
    let text = std::fs::read_to_string("../spec/customer_groups.yaml").unwrap();
    let start = text.find("\ntype:").unwrap() + 1;
    let plain = text.as_bytes()[start..].to_vec();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &plain].concat();
    let expected = spec::parse_bytes(path, &plain).unwrap();
    for file in [
        spec::parse_bytes(path, &with_bom).unwrap(),
        spec::parse(path, std::str::from_utf8(&with_bom).unwrap()).unwrap(),
    ] {
        assert_eq!(file.spec, expected.spec);
        assert_eq!(file.locations, expected.locations);
    }
    assert_eq!(expected.spec.type_name, "customer_groups");
    generator::lower(std::slice::from_ref(&expected)).unwrap();
    // Through the folder loader too, with errors placed as without the mark.
    let dir = TempDir::new("bom");
    dir.write("customer_groups.yaml", &with_bom);
    let loaded = spec::load_dir(dir.path()).unwrap();
    assert_eq!(loaded[0].spec, expected.spec);
    let broken = [b"\xEF\xBB\xBF".as_slice(), b"type: things\nsingular: [x\n"].concat();
    assert_eq!(
        error_of("things.yaml", &broken),
        error_of("things.yaml", &broken[3..])
    );
}

#[test]
fn a_folder_named_like_a_spec_is_an_error_naming_it() {
    let dir = TempDir::new("folder");
    dir.write(
        "customer_groups.yaml",
        &std::fs::read("../spec/customer_groups.yaml").unwrap(),
    );
    std::fs::create_dir(dir.path().join("markets.yaml")).unwrap();
    let error = spec::load_dir(dir.path()).unwrap_err();
    let message = dir.relative(&error.to_string());
    assert_eq!(error.spec_errors().len(), 1, "{message}");
    insta::assert_snapshot!("folder_named_yaml", message);
}

#[cfg(unix)]
#[test]
fn a_device_named_like_a_spec_is_an_error_naming_it() {
    let dir = TempDir::new("device");
    // `/dev/null` rather than an endless device: were the check lost, this fails, not hangs.
    std::os::unix::fs::symlink("/dev/null", dir.path().join("nothing.yaml")).unwrap();
    let error = spec::load_dir(dir.path()).unwrap_err();
    assert_eq!(
        dir.relative(&error.to_string()),
        "spec/nothing.yaml: not a regular file: a spec is a `.yaml` file"
    );
}

#[test]
fn an_oversized_file_is_an_error() {
    let dir = TempDir::new("oversized");
    let mut text = b"type: huge\nsingular: huge\ndescription: ".to_vec();
    text.resize(MAX_FILE_BYTES as usize + 1, b'x');
    dir.write("huge.yaml", &text);
    let error = spec::load_dir(dir.path()).unwrap_err();
    assert_eq!(
        dir.relative(&error.to_string()),
        format!(
            "spec/huge.yaml: larger than {MAX_FILE_BYTES} bytes, the most a spec file may hold"
        )
    );
    // One byte less is read and parsed.
    text.pop();
    dir.write("huge.yaml", &text);
    spec::load_dir(dir.path()).unwrap();
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let dir = TempDir::new("several");
    dir.write("a.yaml", b"type: a\nsingular: \xff\n");
    dir.write("b.yaml", b"type: b\n---\ntype: b\n");
    std::fs::create_dir(dir.path().join("c.yaml")).unwrap();
    dir.write("d.yaml", b"type: d\nsingular: d\n");
    let error = spec::load_dir(dir.path()).unwrap_err();
    let lines: Vec<String> = error
        .spec_errors()
        .iter()
        .map(|e| dir.relative(&e.to_string()))
        .collect();
    assert_eq!(
        lines,
        [
            "spec/a.yaml:2:11: not UTF-8 (byte 0xff): a spec must be UTF-8 text",
            "spec/b.yaml:2:1: a second YAML document starts here: a spec file holds one",
            "spec/c.yaml: a folder, not a spec file: a spec is a `.yaml` file (rename or move the folder)",
        ]
    );
}

#[test]
fn key_locations_survive_keys_with_dots() {
    let text = "type: things\nsingular: thing\nattributes:\n  a.b:\n    type: string\n  a:\n    type: integer\n";
    let file = spec::parse(Path::new("things.yaml"), text).unwrap();
    assert_eq!(
        file.key_location("attributes.a.b").to_string(),
        "things.yaml:4:3"
    );
    assert_eq!(
        file.key_location("attributes.a").to_string(),
        "things.yaml:6:3"
    );
    assert_eq!(
        file.value_location("attributes.a.b.type").to_string(),
        "things.yaml:5:11"
    );
    assert_eq!(
        file.value_location("attributes.a.type").to_string(),
        "things.yaml:7:11"
    );
    assert_eq!(
        file.value_location("actions.3").to_string(),
        "things.yaml:1:1"
    );
}

/// A folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "commercelayer-codegen-loader-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, contents: &[u8]) {
        std::fs::write(self.0.join(name), contents).unwrap();
    }

    /// `message` with this folder's path written `spec`, as a snapshot can hold it.
    fn relative(&self, message: &str) -> String {
        message.replace(&self.0.display().to_string(), "spec")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// The mutation run.

/// splitmix64: tiny, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
        Err(_) => default,
    }
}

/// The byte offsets where lines start, for the mutations (which see only `\n` line ends).
fn line_starts(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

/// How many lines YAML sees: it ends lines with `\n`, `\r\n` and a lone `\r`.
fn yaml_lines(text: &[u8]) -> usize {
    1 + text
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The line `index` (without its newline) and its byte range.
fn line_range(text: &[u8], index: usize) -> std::ops::Range<usize> {
    let starts = line_starts(text);
    let start = starts[index.min(starts.len() - 1)];
    let end = text[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |at| start + at);
    start..end
}

fn indentation(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// Deeply nested YAML, `levels` deep, in one of several shapes, indented by `indent`.
fn nesting(rng: &mut Rng, levels: usize, indent: usize) -> Vec<u8> {
    let pad = " ".repeat(indent);
    match rng.below(4) {
        0 => format!("{pad}{}x\n", "- ".repeat(levels)),
        1 => format!("{pad}{}{}\n", "[".repeat(levels), "]".repeat(levels)),
        2 => format!("{pad}{}\n", "{a: ".repeat(levels)),
        // Block mappings cost `levels²` bytes of indentation: keep them near the limit.
        _ => (0..levels.min(2 * MAX_DEPTH))
            .map(|level| format!("{pad}{}k{level}:\n", " ".repeat(level)))
            .collect(),
    }
    .into_bytes()
}

/// Characters and bytes YAML (or UTF-8) cares about.
const SIGNIFICANT: &[&[u8]] = &[
    b":",
    b": ",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"&",
    b"*",
    b"!",
    b"!!",
    b"|",
    b">",
    b"'",
    b"\"",
    b"%",
    b"@",
    b"`",
    b"#",
    b"- ",
    b"? ",
    b"\\",
    b"\t",
    b"\r",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"~",
    b"null",
    b"\"\\e[31m\"",
];

/// Anchors and aliases: alone, unresolved, as a merge key, as a small bomb.
const ALIASES: &[&[u8]] = &[
                b"&a ",
                b"*a",
                b"*nowhere",
                b"<<: *a\n",
                b"lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nlol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nlol3: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            ];

/// Starts and ends of YAML documents.
const DOCUMENT_MARKERS: &[&[u8]] = &[b"---\n", b"...\n", b"--- |\n", b"%YAML 1.2\n---\n"];

/// Applies one random mutation to `text`.
fn mutate(rng: &mut Rng, text: &mut Vec<u8>) {
    let lines = line_starts(text).len();
    let line = rng.below(lines);
    let range = line_range(text, line);
    let at = rng.below(text.len() + 1);
    match rng.below(16) {
        // Truncate anywhere, even inside a character.
        0 => text.truncate(at),
        // Delete a line.
        1 => {
            let end = (range.end + 1).min(text.len());
            text.drain(range.start..end);
        }
        // Duplicate a line.
        2 => {
            let copy = [&text[range.clone()], b"\n"].concat();
            text.splice(range.start..range.start, copy);
        }
        // Swap a line with another.
        3 => {
            let other = line_range(text, rng.below(lines));
            let (first, second) = if other.start < range.start {
                (other, range)
            } else {
                (range, other)
            };
            if first.end <= second.start {
                let a = text[first.clone()].to_vec();
                let b = text[second.clone()].to_vec();
                text.splice(second, a);
                text.splice(first, b);
            }
        }
        // Deep nesting: a little, around the limit, or far past it.
        4 => {
            let levels = rng.pick(&[
                1,
                3,
                10,
                MAX_DEPTH - 4,
                MAX_DEPTH,
                MAX_DEPTH + 1,
                500,
                20_000,
            ]);
            let indent = indentation(&text[range.clone()]);
            let nested = nesting(rng, levels, indent);
            text.splice(range.start..range.start, nested);
        }
        // An example replaced by deep nesting.
        5 => {
            if let Some(found) = text.windows(8).position(|w| w == b"example:") {
                let start = found + "example:".len();
                let end = text[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |p| start + p);
                let levels = rng.pick(&[MAX_DEPTH - 8, MAX_DEPTH - 3, MAX_DEPTH - 2, 20_000]);
                let mut nested = b" ".to_vec();
                nested.extend(nesting(rng, levels, 0).into_iter().filter(|&b| b != b'\n'));
                text.splice(start..end, nested);
            }
        }
        // Anchors and aliases, alone or as a bomb.
        6 => {
            let inserted: &[u8] = rng.pick(ALIASES);
            let after_colon = text[range.clone()]
                .windows(2)
                .position(|w| w == b": ")
                .map_or(at, |p| range.start + p + 2);
            text.splice(after_colon..after_colon, inserted.iter().copied());
        }
        // Random bytes, overwritten or inserted.
        7 => {
            for _ in 0..=rng.below(8) {
                let byte = rng.next() as u8;
                if text.is_empty() || rng.below(2) == 0 {
                    let at = rng.below(text.len() + 1);
                    text.insert(at, byte);
                } else {
                    let at = rng.below(text.len());
                    text[at] = byte;
                }
            }
        }
        // A byte order mark, at the start or elsewhere.
        8 => {
            let at = if rng.below(2) == 0 { 0 } else { at };
            text.splice(at..at, *b"\xEF\xBB\xBF");
        }
        // Tabs for indentation.
        9 => {
            let spaces = indentation(&text[range.clone()]);
            text.splice(
                range.start..range.start + spaces,
                std::iter::repeat_n(b'\t', spaces.max(1)),
            );
        }
        // Document separators, or a second copy of the whole document.
        10 => {
            let marker: &[u8] = rng.pick(DOCUMENT_MARKERS);
            if rng.below(3) == 0 {
                let copy = text.clone();
                text.extend_from_slice(b"\n---\n");
                text.extend_from_slice(&copy);
            } else {
                text.splice(range.start..range.start, marker.iter().copied());
            }
        }
        // A character YAML cares about.
        11 => {
            let inserted = rng.pick(SIGNIFICANT);
            text.splice(at..at, inserted.iter().copied());
        }
        // Indentation off by one or two.
        12 => {
            if rng.below(2) == 0 {
                text.splice(range.start..range.start, *b"  ");
            } else {
                let spaces = indentation(&text[range.clone()]).min(1 + rng.below(2));
                text.drain(range.start..range.start + spaces);
            }
        }
        // A long key, with escapes that decode to control characters.
        13 => {
            let key = format!(
                "  \"{}\\e[2J\\u202e\": {{type: string}}\n",
                "k".repeat(5_000)
            );
            let mut copy = key.clone().into_bytes();
            copy.extend_from_slice(key.as_bytes());
            text.splice(range.start..range.start, copy);
        }
        // Windows line endings.
        14 => {
            *text = text
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect();
        }
        // A line copied from elsewhere in the file (a key moved into another mapping).
        _ => {
            let other = line_range(text, rng.below(lines));
            let copy = [&text[other], b"\n"].concat();
            text.splice(range.start..range.start, copy);
        }
    }
}

/// What a located, one-line error looks like; `None` when it is one.
fn check_error(error: &SpecError, text: &[u8], names: &[&Path]) -> Option<String> {
    let line = error.to_string();
    if !names.contains(&error.location.file.as_path()) {
        return Some(format!("names another file: {line}"));
    }
    let Some((row, column)) = error.location.line_col else {
        return Some(format!("no line and column: {line}"));
    };
    let lines = yaml_lines(text);
    if row == 0 || column == 0 || row > lines + 1 {
        return Some(format!(
            "line {row} column {column} of {lines} lines: {line}"
        ));
    }
    let prefix = format!("{}:{row}:{column}: ", error.location.file.display());
    if !line.starts_with(&prefix) || error.message.is_empty() {
        return Some(format!("not `file:line:col: message`: {line}"));
    }
    if line.contains('\n') || line.chars().any(char::is_control) {
        return Some(format!("not one clean line: {line:?}"));
    }
    if error.message.chars().count() > MAX_MESSAGE_CHARS + 16 {
        return Some(format!("{} characters long", error.message.chars().count()));
    }
    None
}

/// Every real spec and every fixture, mutated at random: loading and lowering never panic,
/// and every failure is one line naming the file, line and column.
#[test]
fn spec_mutations() {
    let iterations = env_u64("SPEC_FUZZ_ITERATIONS", 3_000);
    let base_seed = env_u64("SPEC_FUZZ_SEED", 0x05ee_d0f5_bec5);
    let mut corpus: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in ["../spec", "tests/fixtures/valid", "tests/fixtures/invalid"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            corpus.push((name, std::fs::read(&path).unwrap()));
        }
    }
    assert!(corpus.len() > 150, "{}", corpus.len());

    let (mut loaded, mut failed) = (0, 0);
    let mut failures = Vec::new();
    for case in 0..iterations {
        let seed = base_seed.wrapping_add(case);
        let mut rng = Rng(seed);
        let (name, original) = &corpus[rng.below(corpus.len())];
        let mut text = original.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut text);
        }
        let path = PathBuf::from(format!("spec/{name}"));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            spec::parse_bytes(&path, &text)
                .map_err(Error::from)
                .and_then(|file| generator::lower(&[file]))
        }));
        let problem = match outcome {
            Err(_) => Some("panicked".to_string()),
            Ok(Ok(_)) => {
                loaded += 1;
                None
            }
            Ok(Err(error)) => {
                failed += 1;
                let errors = error.spec_errors();
                if errors.is_empty() {
                    Some(format!("not a spec error: {error}"))
                } else if error.to_string().lines().count() != errors.len() {
                    Some(format!("more lines than errors: {error}"))
                } else {
                    errors
                        .iter()
                        .find_map(|e| check_error(e, &text, &[path.as_path()]))
                }
            }
        };
        if let Some(problem) = problem {
            let shown = String::from_utf8_lossy(&text);
            let shown: String = shown.chars().take(2_000).collect();
            failures.push(format!(
                "{problem}\n  reproduce: SPEC_FUZZ_SEED={seed} SPEC_FUZZ_ITERATIONS=1\n  input ({name}, first 2000 characters): {shown:?}"
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!("{iterations} mutated specs from seed {base_seed}: {loaded} loaded, {failed} failed");
    // Both outcomes occur: the mutations neither leave every spec valid nor break them all.
    assert!(
        loaded > iterations / 20 && failed > iterations / 4,
        "{loaded} / {failed}"
    );
}
