//! `cargo xtask bench-compile`: what compiling the generated client costs, on this machine.
//!
//! For all features and for `customer_groups` alone: a clean build (dependencies included)
//! and a crate-only rebuild (after touching the crate root), each with its wall time and the
//! peak memory of the largest compiler process. Also the rebuild of a crate that uses every
//! resource (the conformance tests), since generic decoding code is compiled where it is
//! used; and the count of generated lines.
//!
//! Builds go to `target/bench-compile`, apart from the everyday target folder, and are not
//! incremental, so that a rebuild redoes the crate's work.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codegen::root;

/// One cargo invocation's cost.
struct Cost {
    wall: Duration,
    /// Peak resident memory of the largest process cargo ran, in kilobytes.
    peak_kb: Option<u64>,
}

/// Runs `cargo xtask bench-compile`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("unknown option `{other}` for bench-compile"));
    }
    let root = root();
    let target = root.join("target/bench-compile");
    let all: &[&str] = &["-p", "commercelayer", "--all-features"];
    let one: &[&str] = &[
        "-p",
        "commercelayer",
        "--no-default-features",
        "--features",
        "customer_groups",
    ];
    let crate_root = root.join("generated/src/lib.rs");
    let conformance_root = root.join("generated/tests/conformance/main.rs");

    println!("{}", machine());
    let mut rows = Vec::new();
    for (name, features) in [("all features", all), ("customer_groups only", one)] {
        if target.exists() {
            fs::remove_dir_all(&target)
                .map_err(|e| format!("{}: cannot remove: {e}", target.display()))?;
        }
        let clean = build(&target, features, &[])?;
        touch(&crate_root)?;
        let rebuild = build(&target, features, &[])?;
        rows.push((name, clean, rebuild));
    }
    // A crate using every resource compiles their decoders: the conformance tests.
    build(&target, all, &["--tests"])?;
    touch(&conformance_root)?;
    let user = build(&target, all, &["--test", "conformance"])?;

    println!();
    println!(
        "{:<22} {:>12} {:>12} {:>16} {:>16}",
        "the generated crate", "clean s", "clean peak", "crate-only s", "crate-only peak"
    );
    for (name, clean, rebuild) in &rows {
        println!(
            "{name:<22} {:>12.1} {:>12} {:>16.1} {:>16}",
            clean.wall.as_secs_f64(),
            peak(clean),
            rebuild.wall.as_secs_f64(),
            peak(rebuild)
        );
    }
    println!(
        "{:<22} {:>12} {:>12} {:>16.1} {:>16}",
        "a crate using all",
        "",
        "",
        user.wall.as_secs_f64(),
        peak(&user)
    );
    let (files, lines) = generated_lines(&root.join("generated/src/resources"))?;
    println!();
    println!("generated: {lines} lines in {files} files (generated/src/resources)");
    Ok(())
}

fn peak(cost: &Cost) -> String {
    match cost.peak_kb {
        Some(kb) => format!("{:.2} GB", kb as f64 / 1024.0 / 1024.0),
        None => "n/a".to_string(),
    }
}

fn touch(path: &Path) -> Result<(), String> {
    let text = fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// `cargo build` with `args`, measured in a child of its own so that its peak memory is its
/// own (a process's children's peak only ever grows).
fn build(target: &Path, features: &[&str], extra: &[&str]) -> Result<Cost, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let output = Command::new(exe)
        .arg("__measure")
        .arg("cargo")
        .arg("build")
        .arg("--quiet")
        .arg("--target-dir")
        .arg(target)
        .args(features)
        .args(extra)
        // Incremental compilation would reuse the previous build's work on a rebuild of
        // unchanged code: the figures are for a real rebuild.
        .env("CARGO_INCREMENTAL", "0")
        // Full debug info, as cargo's default dev profile (what a project depending on the
        // client builds it with) has, and not the workspace's lighter setting.
        .args(["--config", "profile.dev.debug=true"])
        .args(["--config", r#"profile.dev.package."*".debug=true"#])
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run a measured build: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the build failed:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.trim().parse::<u64>().ok())
    };
    Ok(Cost {
        wall: Duration::from_micros(field("wall_us").ok_or("no measurement")?),
        peak_kb: field("peak_kb"),
    })
}

/// `xtask __measure COMMAND...`: runs the command, then prints its wall time and the peak
/// memory of its largest process.
pub fn measure(args: &[String]) -> Result<(), String> {
    let (program, args) = args.split_first().ok_or("__measure needs a command")?;
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let wall = start.elapsed();
    if !status.success() {
        return Err(format!("{program} failed: {status}"));
    }
    println!("wall_us {}", wall.as_micros());
    if let Some(kb) = children_peak_kb() {
        println!("peak_kb {kb}");
    }
    Ok(())
}

/// The largest peak resident memory among this process's finished descendants, in KB.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn children_peak_kb() -> Option<u64> {
    #[repr(C)]
    struct Timeval {
        seconds: i64,
        microseconds: i64,
    }
    #[repr(C)]
    struct Rusage {
        user: Timeval,
        system: Timeval,
        max_rss_kb: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut usage = Rusage {
        user: Timeval {
            seconds: 0,
            microseconds: 0,
        },
        system: Timeval {
            seconds: 0,
            microseconds: 0,
        },
        max_rss_kb: 0,
        rest: [0; 13],
    };
    // SAFETY: `usage` is a valid, writable `struct rusage` for 64-bit Linux.
    let result = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) };
    (result == 0).then(|| u64::try_from(usage.max_rss_kb).unwrap_or(0))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn children_peak_kb() -> Option<u64> {
    None
}

/// How many generated files and lines `dir` holds.
fn generated_lines(dir: &Path) -> Result<(usize, usize), String> {
    let mut files = 0;
    let mut lines = 0;
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            files += 1;
            lines += fs::read_to_string(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .lines()
                .count();
        }
    }
    Ok((files, lines))
}

/// What the figures were measured on.
fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|name| name.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("machine: {cores} cores, {cpu}; {rustc}; debug builds, not incremental")
}
