//! What the generated customer_groups types refuse at compile time: a create without the
//! required `name`, and a sort by an attribute the API cannot sort by.

// Each case in tests/ui/ must fail to compile with the error recorded beside it.
#[test]
fn misuse_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
