//! The names the runtime and the generated code already use, by scope: one list, which the
//! clash check ([`crate::clashes`]) seeds every scope with, and which the tests below keep in
//! step with the hand-written runtime in `generated/src/`.

/// The field of a create or update body that keeps its links, sent as the JSON:API
/// `relationships` member; also the constructor's local of the same name.
pub const LINKS: &str = "relationships";

/// Where a generated name lives, and so what it could collide with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A module of `generated/src/resources/` (the bare name of a resource type), re-exported
    /// at the crate root beside the runtime's own modules.
    Module,
    /// A method of `Client`: a resource's accessor (`Client::customer_groups`).
    ClientMethod,
    /// A type in a resource's module, beside what `use crate::prelude::*` brings in, and in
    /// the conformance tests, beside the harness's glob import.
    Type,
    /// A method of a resource's endpoints handle (`CustomerGroups::list`).
    HandleMethod,
    /// A method of a create or update body (`CustomerGroupCreate::code`).
    BodyMethod,
    /// A field of a create or update body.
    BodyField,
    /// A parameter of a create body's constructor (`CustomerGroupCreate::new`).
    ConstructorParam,
    /// A variant of a value enum or of a polymorphic relationship's enum.
    EnumVariant,
}

/// Names of one scope that a spec cannot claim, and who uses them.
#[derive(Debug)]
pub struct Reserved {
    /// The scope.
    pub scope: Scope,
    /// Who uses the names, ending a sentence "…, which is taken by {owner}".
    pub owner: &'static str,
    /// The names.
    pub names: &'static [&'static str],
}

/// Every reserved name. The tests below check it against `generated/src/lib.rs` (every
/// module and crate-root name), `prelude.rs` (every name it brings in), `client.rs` (every
/// method of `Client`) and the conformance harness.
pub const RESERVED: &[Reserved] = &[
    Reserved {
        scope: Scope::Module,
        owner: "a module of the runtime (`generated/src/lib.rs`)",
        names: &[
            "auth",
            "bulk",
            "call",
            "checked",
            "client",
            "error",
            "jsonapi",
            "object",
            "pacing",
            "prelude",
            "query",
            "redact",
            "retry",
            "support",
            "trace",
            "transport",
            // Planned runtime modules, reserved before they land.
            "callbacks",
            "testing",
        ],
    },
    Reserved {
        scope: Scope::Module,
        owner: "a crate or macro the runtime re-exports (`generated/src/lib.rs`)",
        names: &["chrono", "futures_util", "json", "reqwest", "serde_json"],
    },
    Reserved {
        scope: Scope::Module,
        owner: "the file declaring every resource module (`resources/mod.rs`)",
        names: &["mod"],
    },
    Reserved {
        scope: Scope::Module,
        owner: "a module of the crate (`generated/src/lib.rs`)",
        names: &["compile_fail", "resources", "test_fixtures"],
    },
    Reserved {
        scope: Scope::ClientMethod,
        owner: "`Client` itself (`generated/src/client.rs`)",
        names: &[
            "api_mode",
            "attempt",
            "base_url",
            "builder",
            "clone",
            "clone_from",
            "fmt",
            "new",
            "rate_limit",
            "redactor",
            "refresh_token",
            "revoke",
            "request",
            "send",
            "send_now",
            "set_mode",
            "token",
            "too_large",
        ],
    },
    Reserved {
        scope: Scope::Type,
        owner: "the standard library",
        names: &[
            "Box",
            "Clone",
            "Copy",
            "Debug",
            "Default",
            "Display",
            "Eq",
            "Err",
            "Fmt",
            "Formatter",
            "FromStr",
            "Hash",
            "Infallible",
            "Into",
            "IntoIterator",
            "Iterator",
            "None",
            "Ok",
            "Option",
            "PartialEq",
            "Result",
            "Self",
            "Send",
            "Some",
            "String",
            "Sync",
            "ToString",
            "Vec",
        ],
    },
    Reserved {
        scope: Scope::Type,
        owner: "the runtime's prelude (`generated/src/prelude.rs`)",
        names: &[
            "Client",
            "DateTime",
            "DeleteCall",
            "Deserialize",
            "Deserializer",
            "FieldName",
            "FilterField",
            "FilterValue",
            "GenericResource",
            "IntoObject",
            "ItemCall",
            "Linkage",
            "Linkages",
            "ListCall",
            "Map",
            "Patch",
            "RawName",
            "Relationship",
            "Resource",
            "ResourceIdentifier",
            "ResourceLinks",
            "ResourceMeta",
            "Secret",
            "Serialize",
            "Serializer",
            "ToMany",
            "ToOne",
            "Trigger",
            "Utc",
            "Value",
            "decode_variant",
            "deserialize_enum",
            "fmt",
            "tagged",
        ],
    },
    Reserved {
        scope: Scope::Type,
        owner: "the conformance harness (`generated/tests/conformance/harness.rs`)",
        names: &[
            "Api",
            "Mode",
            "Recorded",
            "RelationshipLinks",
            "ID",
            "assert_json",
            "assert_related",
            "datetime",
            "document",
            "from_json",
            "json_map",
            "list_document",
        ],
    },
    Reserved {
        scope: Scope::HandleMethod,
        owner: "the handle's derived `Clone` and `Debug`",
        names: &["clone", "clone_from", "fmt"],
    },
    Reserved {
        scope: Scope::BodyMethod,
        owner: "the constructor",
        names: &["new"],
    },
    Reserved {
        scope: Scope::BodyMethod,
        owner: "the `Default::default` that `new` calls",
        names: &["default"],
    },
    Reserved {
        scope: Scope::BodyMethod,
        owner: "the body's derived `Clone`, `Debug`, `PartialEq` and `Serialize`",
        names: &["clone", "clone_from", "eq", "fmt", "ne", "serialize"],
    },
    Reserved {
        scope: Scope::BodyField,
        owner: "the links a body sends",
        names: &[LINKS],
    },
    Reserved {
        scope: Scope::ConstructorParam,
        owner: "the links the constructor builds",
        names: &[LINKS],
    },
    Reserved {
        scope: Scope::EnumVariant,
        owner: "the values the spec does not list",
        names: &["Other"],
    },
];

/// Who already uses `name` in `scope`, if it is reserved.
pub fn owner(scope: Scope, name: &str) -> Option<&'static str> {
    RESERVED
        .iter()
        .find(|r| r.scope == scope && r.names.contains(&name))
        .map(|r| r.owner)
}

/// Every reserved name of a scope, with who uses it.
pub fn names(scope: Scope) -> impl Iterator<Item = (&'static str, &'static str)> {
    RESERVED
        .iter()
        .filter(move |r| r.scope == scope)
        .flat_map(|r| r.names.iter().map(move |name| (*name, r.owner)))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn runtime(file: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../generated")
            .join(file)
    }

    fn parse(file: &str) -> syn::File {
        let path = runtime(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The names a `use` item brings into scope (each leaf, or its rename).
    fn use_names(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, out),
            syn::UseTree::Name(name) => out.push(name.ident.to_string()),
            syn::UseTree::Rename(rename) => out.push(rename.rename.to_string()),
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    use_names(tree, out);
                }
            }
        }
    }

    fn is_reserved(scope: Scope, name: &str) -> bool {
        owner(scope, name).is_some()
    }

    /// Every module of the runtime, and every other lowercase name at the crate root, is
    /// reserved: a resource module of that name would be shadowed there (or overwrite it).
    #[test]
    fn crate_root_names_are_reserved_for_modules() {
        let mut names = Vec::new();
        for item in parse("src/lib.rs").items {
            match item {
                syn::Item::Mod(module) => names.push(module.ident.to_string()),
                syn::Item::Use(use_item) => use_names(&use_item.tree, &mut names),
                syn::Item::Fn(function) => names.push(function.sig.ident.to_string()),
                syn::Item::Macro(mac) => names.extend(mac.ident.map(|i| i.to_string())),
                _ => {}
            }
        }
        for entry in std::fs::read_dir(runtime("src")).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|e| e == "rs") && stem != "lib" {
                names.push(stem);
            }
        }
        assert!(names.contains(&"query".to_string()), "{names:?}");
        for name in names {
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                assert!(
                    is_reserved(Scope::Module, &name),
                    "the crate root's `{name}` is not reserved for modules in generator/src/reserved.rs"
                );
            }
        }
    }

    /// Every name the prelude brings into a resource module is reserved for its types.
    #[test]
    fn prelude_names_are_reserved_for_types() {
        let mut names = Vec::new();
        for item in parse("src/prelude.rs").items {
            if let syn::Item::Use(use_item) = item {
                use_names(&use_item.tree, &mut names);
            }
        }
        assert!(names.contains(&"Patch".to_string()), "{names:?}");
        for name in names {
            assert!(
                is_reserved(Scope::Type, &name),
                "the prelude's `{name}` is not reserved for types in generator/src/reserved.rs"
            );
        }
    }

    /// Every public name of the conformance harness, which each generated test module
    /// glob-imports beside its resource's module, is reserved for types.
    #[test]
    fn harness_names_are_reserved_for_types() {
        let mut names = Vec::new();
        for item in parse("tests/conformance/harness.rs").items {
            let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
            match item {
                syn::Item::Use(item) if public(&item.vis) => use_names(&item.tree, &mut names),
                syn::Item::Fn(item) if public(&item.vis) => names.push(item.sig.ident.to_string()),
                syn::Item::Struct(item) if public(&item.vis) => names.push(item.ident.to_string()),
                syn::Item::Const(item) if public(&item.vis) => names.push(item.ident.to_string()),
                syn::Item::Enum(item) if public(&item.vis) => names.push(item.ident.to_string()),
                _ => {}
            }
        }
        assert!(names.contains(&"Api".to_string()), "{names:?}");
        for name in names {
            assert!(
                is_reserved(Scope::Type, &name),
                "the harness's `{name}` is not reserved for types in generator/src/reserved.rs"
            );
        }
    }

    /// Every method `Client` has is reserved, so that no resource accessor can clash with one.
    #[test]
    fn client_methods_are_reserved() {
        let mut methods = Vec::new();
        for item in parse("src/client.rs").items {
            if let syn::Item::Impl(block) = item {
                let is_client =
                    matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
                if is_client && block.trait_.is_none() {
                    for item in block.items {
                        if let syn::ImplItem::Fn(method) = item {
                            methods.push(method.sig.ident.to_string());
                        }
                    }
                }
            }
        }
        assert!(methods.contains(&"builder".to_string()), "{methods:?}");
        for method in methods {
            assert!(
                is_reserved(Scope::ClientMethod, &method),
                "`Client::{method}` is not reserved in generator/src/reserved.rs"
            );
        }
    }

    #[test]
    fn lookups() {
        assert!(owner(Scope::Module, "query").is_some());
        assert!(owner(Scope::Module, "orders").is_none());
        assert!(owner(Scope::Type, "query").is_none());
        assert!(owner(Scope::BodyMethod, "default").is_some());
        assert!(names(Scope::EnumVariant).any(|(name, _)| name == "Other"));
    }
}
