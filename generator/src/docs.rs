//! The documentation the generated code carries: every sentence the generator writes, and
//! the spec's prose, as `#[doc]` attributes ([`Docs`]). Spec text passes through
//! [`escape_markdown`] on its way; English rules (articles, words) come from
//! [`crate::naming`].

use std::fmt;

use crate::model::{
    Attribute, Cardinality, EnumValue, Member, NameEnum, NameKind, Origin, Relationship, Resource,
};
use crate::naming::{
    capitalize, code_span, doc_attrs, escape_markdown, snake_ident, with_article, words,
};

/// Doc attributes, one per line (`#[doc = " ..."]`), printed one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs(Vec<String>);

impl Docs {
    /// Docs for Markdown the generator wrote (spec prose already escaped).
    pub fn new(markdown: &str) -> Self {
        Self(doc_attrs(markdown))
    }

    /// The spec's description, else a sentence of the generator's.
    fn described(description: &str, fallback: impl FnOnce() -> String) -> Self {
        if description.trim().is_empty() {
            Self::new(&fallback())
        } else {
            Self::new(&escape_markdown(description))
        }
    }

    /// As the documentation of the enclosing item (`#![doc = ...]`).
    fn inner(self) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|attr| attr.replacen("#[", "#![", 1))
                .collect(),
        )
    }

    /// These docs, then a code block shown as is (its lines keep their indentation).
    fn with_code(mut self, info: &str, code: &[String]) -> Self {
        let fence = |text: &str| format!("#[doc = {}]", crate::naming::string_literal(text));
        self.0.push("#[doc = \"\"]".to_string());
        self.0.push(fence(&format!(" ```{info}")));
        self.0
            .extend(code.iter().map(|line| fence(&format!(" {line}"))));
        self.0.push(fence(" ```"));
        self
    }
}

impl fmt::Display for Docs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.0 {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Prose from the spec with a sentence of the generator's before it (`Sets `code`.`).
fn lead(sentence: String, description: &str) -> String {
    if description.trim().is_empty() {
        sentence
    } else {
        format!("{sentence}\n\n{}", escape_markdown(description))
    }
}

fn deprecated(mut text: String, deprecated: bool) -> String {
    if deprecated {
        text.push_str("\n\nDeprecated by the API.");
    }
    text
}

impl Resource {
    /// `an order`
    fn a_singular(&self) -> String {
        with_article(&words(&self.singular))
    }

    /// "an [`Order`]"
    fn a_struct(&self) -> String {
        with_article(&format!("[`{}`]", self.struct_name))
    }

    /// The module's own documentation: what it is, where to start, and the most common call
    /// (a list, else a retrieve) as an example that rustdoc compiles.
    pub fn module_docs(&self) -> Docs {
        let text = deprecated(
            format!(
                "The `{}` resource: {}.\n\nStart from [`{}`], the endpoints that \
                 [`Client::{}`] returns.",
                self.type_name,
                words(&self.type_name),
                self.api_name,
                self.accessor
            ),
            self.deprecated,
        );
        let docs = Docs::new(&text);
        match self.example() {
            Some(code) => docs.with_code("no_run", &code),
            None => docs,
        }
        .inner()
    }

    /// The module's example: the first call a user makes.
    fn example(&self) -> Option<Vec<String>> {
        let endpoints = &self.members.endpoints;
        let handle = format!("client.{}()", self.accessor);
        let item = snake_ident(&self.singular);
        let body = if endpoints.list.is_some() {
            vec![
                format!("let page = {handle}.list().await?;"),
                format!("for {item} in &page.data {{"),
                format!("    println!(\"{{}}\", {item}.id);"),
                "}".to_string(),
            ]
        } else if endpoints.retrieve.is_some() {
            let id = if self.singleton { "" } else { "\"the-id\"" };
            vec![
                format!("let {item} = {handle}.retrieve({id}).await?.data;"),
                format!("println!(\"{{}}\", {item}.id);"),
            ]
        } else {
            return None;
        };
        let mut code = vec![
            "# async fn example(client: commercelayer::Client) -> commercelayer::Result<()> {"
                .to_string(),
        ];
        code.extend(body);
        code.push("# Ok(())".to_string());
        code.push("# }".to_string());
        Some(code)
    }

    /// The resource struct's documentation.
    pub fn docs(&self) -> Docs {
        Docs::described(&self.description, || {
            format!("{}, as the API returns it.", capitalize(&self.a_singular()))
        })
    }

    /// The attributes struct's documentation.
    pub fn attributes_docs(&self) -> Docs {
        Docs::new(&format!("The attributes of {}.", self.a_struct()))
    }

    /// The relationships struct's documentation.
    pub fn relationships_docs(&self) -> Docs {
        Docs::new(&format!("The relationships of {}.", self.a_struct()))
    }

    /// The create body's documentation.
    pub fn create_docs(&self) -> Docs {
        Docs::new(&format!(
            "The body of a request creating {}: [`{}Create::new`] takes what the API \
             requires, the other methods add the rest.",
            self.a_struct(),
            self.struct_name
        ))
    }

    /// The create body's constructor's documentation.
    pub fn create_new_docs(&self) -> Docs {
        Docs::new(&format!(
            "A new {} with what the API requires.",
            words(&self.singular)
        ))
    }

    /// The update body's documentation.
    pub fn update_docs(&self) -> Docs {
        Docs::new(&format!(
            "The body of a request updating {}: what is left alone is not sent.",
            self.a_struct()
        ))
    }

    /// The endpoints handle's documentation.
    pub fn handle_docs(&self) -> Docs {
        Docs::new(&format!(
            "The `{}` endpoints, from [`Client::{}`].",
            self.type_name, self.accessor
        ))
    }

    /// The accessor's documentation.
    pub fn accessor_docs(&self) -> Docs {
        Docs::new(&format!(
            "The `{}` endpoints: {}.",
            self.type_name,
            words(&self.type_name)
        ))
    }

    /// `list`'s documentation.
    pub fn list_docs(&self) -> Docs {
        Docs::new(&format!(
            "Lists {}, a page at a time: `GET /{}`.",
            words(&self.type_name),
            self.type_name
        ))
    }

    /// `retrieve`'s documentation.
    pub fn retrieve_docs(&self) -> Docs {
        Docs::new(&if self.singleton {
            format!(
                "Retrieves the {}: `GET /{}` (a singleton's path is its singular name).",
                words(&self.singular),
                self.singular
            )
        } else {
            format!(
                "Retrieves {} by id: `GET /{}/{{id}}`.",
                self.a_singular(),
                self.type_name
            )
        })
    }

    /// `create`'s documentation.
    pub fn create_endpoint_docs(&self) -> Docs {
        Docs::new(&format!(
            "Creates {}: `POST /{}`.",
            self.a_singular(),
            self.type_name
        ))
    }

    /// `update`'s documentation.
    pub fn update_endpoint_docs(&self) -> Docs {
        Docs::new(&format!(
            "Updates {}: `PATCH /{}/{{id}}`.",
            self.a_singular(),
            self.type_name
        ))
    }

    /// `delete`'s documentation.
    pub fn delete_docs(&self) -> Docs {
        Docs::new(&format!(
            "Deletes {}: `DELETE /{}/{{id}}`.",
            self.a_singular(),
            self.type_name
        ))
    }

    /// The documentation of the endpoint firing a trigger.
    pub fn trigger_docs(&self, attribute: &Attribute) -> Docs {
        let what = if attribute.description.trim().is_empty() {
            format!("Fires the `{}` trigger.", attribute.name)
        } else {
            escape_markdown(&attribute.description)
        };
        Docs::new(&format!(
            "{what}\n\n`PATCH /{}/{{id}}` with `\"{}\": true`.",
            self.type_name, attribute.name
        ))
    }

    /// The documentation of a relationship's endpoint, and the feature it needs, if any.
    pub fn fetcher_docs(&self, relationship: &Relationship, feature: Option<&str>) -> Docs {
        let what = if relationship.description.trim().is_empty() {
            format!(
                "The `{}` related to {}.",
                relationship.name,
                self.a_singular()
            )
        } else {
            escape_markdown(&relationship.description)
        };
        let mut text = format!(
            "{what}\n\n`GET /{}/{{id}}/{}`",
            self.type_name, relationship.name
        );
        if let Some(feature) = feature {
            text.push_str(&format!("\n\nWith the `{feature}` feature."));
        }
        Docs::new(&text)
    }

    /// A name enum's documentation.
    pub fn name_enum_docs(&self, e: &NameEnum) -> Docs {
        let s = &self.struct_name;
        Docs::new(&match e.kind {
            NameKind::Sort => format!("The attributes a list of [`{s}`] can be sorted by."),
            NameKind::Filter => format!(
                "The attributes a list of [`{s}`] can be filtered on, with the predicates of \
                 [`FilterField`](crate::query::FilterField)."
            ),
            NameKind::Include => format!(
                "The relationships of {} a response can include.",
                self.a_struct()
            ),
            NameKind::Field => format!(
                "The fields of {} a sparse fieldset can ask for.",
                self.a_struct()
            ),
        })
    }

    /// A name enum variant's documentation: what the spec says of what it names.
    pub fn name_variant_docs(&self, variant: &Member) -> Docs {
        let described =
            |description: &str| Docs::described(description, || format!("`{}`", variant.spec));
        match variant.origin {
            Origin::Attribute(i) => {
                described(self.attributes.get(i).map_or("", |a| &a.description))
            }
            Origin::Relationship(i) => {
                described(self.relationships.get(i).map_or("", |r| &r.description))
            }
            _ => Docs::new("The resource's id."),
        }
    }

    /// A polymorphic relationship's enum's documentation.
    pub fn target_enum_docs(&self, relationship: &Relationship, gates: bool) -> Docs {
        let gate_note = if gates {
            " A variant is there when its type's feature is on; others arrive as `Other`."
        } else {
            ""
        };
        Docs::new(&format!(
            "What the `{}` of {} can be: {}.{gate_note}",
            relationship.name,
            self.a_struct(),
            relationship.type_list()
        ))
    }
}

impl Attribute {
    /// The field's documentation: the description, its example, and what the API allows.
    pub fn docs(&self) -> Docs {
        let mut text = if self.description.trim().is_empty() {
            format!("`{}`", self.name)
        } else {
            escape_markdown(&self.description)
        };
        if let Some(example) = &self.example {
            text.push_str("\n\nExample: ");
            text.push_str(&code_span(&example.to_string()));
        }
        Docs::new(&deprecated(text, self.deprecated))
    }

    /// The documentation of the builder method setting it.
    pub fn set_docs(&self) -> Docs {
        Docs::new(&deprecated(
            lead(format!("Sets `{}`.", self.name), &self.description),
            self.deprecated,
        ))
    }

    /// The documentation of the builder method sending a trigger with a create or update.
    pub fn send_docs(&self, with: &str) -> Docs {
        Docs::new(&lead(
            format!("Sends `{}: true` with the {with}.", self.name),
            &self.description,
        ))
    }

    /// The documentation of the builder method clearing it.
    pub fn clear_docs(&self) -> Docs {
        Docs::new(&format!("Clears `{}`: sends `null`.", self.name))
    }

    /// The documentation of its enum.
    pub fn enum_docs(&self) -> Docs {
        Docs::new(&format!(
            "The values of `{}`. Values this client does not know are kept in `Other`.",
            self.name
        ))
    }
}

impl EnumValue {
    /// The variant's documentation: its wire value.
    pub fn docs(&self) -> Docs {
        Docs::new(&code_span(&self.wire))
    }
}

impl Relationship {
    /// The field's documentation.
    pub fn docs(&self) -> Docs {
        Docs::described(&self.description, || format!("`{}`", self.name))
    }

    /// What a builder method linking it says.
    pub fn link_docs(&self) -> Docs {
        let what = match (self.cardinality, self.polymorphic()) {
            (Cardinality::One, false) => format!(
                "Links `{}` to the `{}` with this id.",
                self.name, self.targets[0].type_name
            ),
            (Cardinality::One, true) => format!(
                "Links `{}` to this resource, of one of these types: {}.",
                self.name,
                self.type_list()
            ),
            (Cardinality::Many, false) => format!(
                "Links `{}` to the `{}` with these ids.",
                self.name, self.targets[0].type_name
            ),
            (Cardinality::Many, true) => format!(
                "Links `{}` to these resources, each of one of these types: {}.",
                self.name,
                self.type_list()
            ),
        };
        Docs::new(&deprecated(lead(what, &self.description), self.deprecated))
    }

    /// What a builder method unlinking it says.
    pub fn unlink_docs(&self) -> Docs {
        Docs::new(&format!("Unlinks `{}`: sends `null`.", self.name))
    }

    /// A polymorphic target's variant's documentation.
    pub fn target_docs(type_name: &str) -> Docs {
        Docs::new(&format!("`{type_name}`"))
    }

    /// "`skus`, `bundles`"
    fn type_list(&self) -> String {
        self.targets
            .iter()
            .map(|t| format!("`{}`", t.type_name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
