//! The model's lists of members are exactly what the generated modules define: every type,
//! endpoint method, builder method, field, constructor parameter and enum variant the
//! output holds is in the model, and nothing else is. The clash check walks those lists, so
//! this is what makes it protect the output (a member a template added on its own would
//! fail here).

use std::collections::BTreeSet;
use std::path::Path;

use generator::model::{Body, Resource};
use generator::{GeneratedFile, Model, Options};

/// What one parsed module defines, by scope.
#[derive(Default)]
struct Defined {
    /// Every struct and enum.
    types: BTreeSet<String>,
    /// Inherent methods, by type.
    methods: Vec<(String, BTreeSet<String>)>,
    /// Named fields, by struct.
    fields: Vec<(String, BTreeSet<String>)>,
    /// Variants, by enum.
    variants: Vec<(String, BTreeSet<String>)>,
    /// The parameters of each type's `new`.
    params: Vec<(String, Vec<String>)>,
}

impl Defined {
    fn parse(text: &str) -> Self {
        let file = syn::parse_file(text).unwrap();
        let mut defined = Self::default();
        for item in file.items {
            match item {
                syn::Item::Struct(item) => {
                    let fields = item.fields.iter().filter_map(|f| f.ident.as_ref());
                    let fields = fields.map(ToString::to_string).collect();
                    defined.fields.push((item.ident.to_string(), fields));
                    defined.types.insert(item.ident.to_string());
                }
                syn::Item::Enum(item) => {
                    let variants = item.variants.iter().map(|v| v.ident.to_string()).collect();
                    defined.variants.push((item.ident.to_string(), variants));
                    defined.types.insert(item.ident.to_string());
                }
                syn::Item::Impl(item) if item.trait_.is_none() => defined.add_impl(&item),
                _ => {}
            }
        }
        defined
    }

    fn add_impl(&mut self, item: &syn::ItemImpl) {
        let syn::Type::Path(path) = &*item.self_ty else {
            return;
        };
        let name = path.path.segments.last().unwrap().ident.to_string();
        let mut methods = BTreeSet::new();
        for item in &item.items {
            let syn::ImplItem::Fn(method) = item else {
                continue;
            };
            let method_name = method.sig.ident.to_string();
            if method_name == "new" {
                let params = method.sig.inputs.iter().filter_map(|input| match input {
                    syn::FnArg::Typed(typed) => match &*typed.pat {
                        syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                });
                self.params.push((name.clone(), params.collect()));
            }
            methods.insert(method_name);
        }
        self.methods.push((name, methods));
    }

    fn get<'a, T>(list: &'a [(String, T)], name: &str) -> &'a T {
        &list
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("`{name}` is not defined"))
            .1
    }
}

fn names<'a>(members: impl IntoIterator<Item = &'a generator::model::Member>) -> BTreeSet<String> {
    members.into_iter().map(|m| m.rust.clone()).collect()
}

/// Identifiers as syn prints them: raw identifiers keep their `r#`.
fn set(names: impl IntoIterator<Item = impl Into<String>>) -> BTreeSet<String> {
    names.into_iter().map(Into::into).collect()
}

fn check_body(r: &Resource, body: &Body, defined: &Defined) {
    let mut methods = names(body.methods());
    methods.insert("new".to_string());
    assert_eq!(
        *Defined::get(&defined.methods, &body.name),
        methods,
        "{}: the methods of {}",
        r.type_name,
        body.name
    );
    assert_eq!(
        *Defined::get(&defined.fields, &body.name),
        names(body.fields()),
        "{}: the fields of {}",
        r.type_name,
        body.name
    );
    let params: Vec<String> = body.params().map(|p| p.rust.clone()).collect();
    assert_eq!(
        *Defined::get(&defined.params, &body.name),
        params,
        "{}: the parameters of {}::new",
        r.type_name,
        body.name
    );
}

fn check_resource(r: &Resource, text: &str) {
    let defined = Defined::parse(text);
    let m = &r.members;
    let mut types = set(m.types());
    types.insert(r.struct_name.clone());
    types.insert(r.api_name.clone());
    assert_eq!(defined.types, types, "{}: the types", r.type_name);
    assert_eq!(
        *Defined::get(&defined.methods, &r.api_name),
        names(m.endpoints.iter()),
        "{}: the endpoint methods",
        r.type_name
    );
    assert_eq!(
        *Defined::get(&defined.methods, "Client"),
        set([r.accessor.clone()]),
        "{}: the accessor",
        r.type_name
    );
    assert_eq!(
        *Defined::get(&defined.fields, &m.attributes_struct),
        names(&m.attribute_fields),
        "{}: the attributes' fields",
        r.type_name
    );
    assert_eq!(
        *Defined::get(&defined.fields, &m.relationships_struct),
        names(&m.relationship_fields),
        "{}: the relationships' fields",
        r.type_name
    );
    for body in m.create.iter().chain(&m.update) {
        check_body(r, body, &defined);
    }
    for e in &m.name_enums {
        assert_eq!(
            *Defined::get(&defined.variants, &e.name),
            names(&e.variants),
            "{}: the variants of {}",
            r.type_name,
            e.name
        );
    }
    for e in &r.members.value_enums {
        let attribute = r.attributes.iter().find(|a| a.name == e.spec).unwrap();
        let values = attribute.enum_type().unwrap().values.iter();
        let mut variants = set(values.map(|v| v.variant.clone()));
        variants.insert("Other".to_string());
        assert_eq!(*Defined::get(&defined.variants, &e.rust), variants);
    }
    for e in &m.target_enums {
        let mut variants = set(e.variants.iter().map(|v| v.variant.clone()));
        variants.insert("Other".to_string());
        assert_eq!(*Defined::get(&defined.variants, &e.name.rust), variants);
    }
}

fn check_model(model: &Model, files: &[GeneratedFile]) {
    for r in &model.resources {
        let file = files.iter().find(|f| f.name == r.file_name).unwrap();
        check_resource(r, &file.contents);
    }
}

#[test]
fn the_fixtures_define_exactly_their_members() {
    let options = Options {
        feature_gates: false,
    };
    let (model, files) = generator::generate(Path::new("tests/fixtures/valid"), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    check_model(&model, &files);
}

#[test]
fn every_resource_defines_exactly_its_members() {
    let options = Options {
        feature_gates: true,
    };
    let model = generator::lower(&generator::load(Path::new("../spec")).unwrap()).unwrap();
    // Rendered, not formatted: syn reads either.
    let files = generator::render(&model, &options).unwrap();
    assert_eq!(model.resources.len(), 132);
    check_model(&model, &files);
}
