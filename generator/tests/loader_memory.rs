//! What loading a hostile spec costs in memory, counted by a global allocator: bounded for
//! deep nesting, linear in the text for deep keys. One test, so no other test's allocations
//! are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::spec;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are passed on.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from `System` with this `layout`.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `pointer` came from `System` with this `layout`.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most memory live while `f` runs, beyond what was live before.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

const MIB: usize = 1 << 20;

#[test]
fn hostile_specs_load_in_bounded_memory() {
    let header = "type: things\nsingular: thing\nactions: [list]\nattributes:\n  name:\n    type: json\n    example:\n";
    // The attack run's files: 40 KB and 80 KB of `- - - ... 1` (854 MiB, then an abort, before
    // the scan was made linear), and their flow and mapping cousins.
    let block = |levels: usize| format!("{header}      {}1\n", "- ".repeat(levels));
    let flow = |levels: usize| format!("{header}      {}\n", "[".repeat(levels));
    let mappings = |levels: usize| {
        let mut text = header.to_string();
        for level in 0..levels {
            text.push_str(&format!("{}k:\n", " ".repeat(6 + level)));
        }
        text
    };
    for (what, text) in [
        ("40 KB of block sequences", block(20_000)),
        ("80 KB of block sequences", block(40_000)),
        ("80 KB of flow sequences", flow(80_000)),
        ("400 nested mappings", mappings(400)),
    ] {
        let mut result = None;
        let peak = peak_during(|| result = Some(spec::parse(Path::new("things.yaml"), &text)));
        println!("{what}: {} bytes of text, {peak} bytes at most", text.len());
        assert!(peak < MIB, "{what}: {peak} bytes");
        let error = result.unwrap().unwrap_err();
        assert!(error.message.starts_with("nested deeper than"), "{error}");
    }

    // Nesting within the limit, under long keys, over many values: each key is stored once,
    // not once per value beneath it (which took 600 MB here).
    let mut deep_keys = header.to_string();
    let levels = spec::MAX_DEPTH - 4;
    for level in 0..levels {
        let indent = " ".repeat(6 + level);
        deep_keys.push_str(&format!("{indent}{}{level}:\n", "k".repeat(1_000)));
    }
    let indent = " ".repeat(6 + levels);
    for item in 0..10_000 {
        deep_keys.push_str(&format!("{indent}- {item}\n"));
    }
    let peak = peak_during(|| {
        spec::parse(Path::new("things.yaml"), &deep_keys).unwrap();
    });
    println!(
        "{levels} keys of 1000 bytes over 10000 values: {} bytes of text, {peak} bytes at most",
        deep_keys.len()
    );
    assert!(peak < 16 * MIB, "{peak} bytes");
}
