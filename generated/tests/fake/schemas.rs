//! Hand-written schemas for the fake's own tests and benchmark, standing in for the ones
//! the generator is to write from `spec/*.yaml`: `customer_groups` whole, and subsets of
//! `markets`, `orders` and `organizations`, each attribute and relationship as its spec says
//! (flags, types, enum values; `default` from the vendor catalogue, which the spec does not
//! carry yet).

use commercelayer::testing::{
    Action, AttributeSchema as A, Kind, Literal, RelationshipSchema as R, ResourceSchema,
};

const CRUD: &[Action] = &[
    Action::List,
    Action::Retrieve,
    Action::Create,
    Action::Update,
    Action::Delete,
];

/// `spec/customer_groups.yaml`, whole.
pub const CUSTOMER_GROUPS: ResourceSchema =
    ResourceSchema::new("customer_groups", "customer_group")
        .actions(CRUD)
        .attributes(&[
            A::new("name", Kind::String)
                .required()
                .updatable()
                .filterable()
                .sortable(),
            A::new("code", Kind::String)
                .creatable()
                .updatable()
                .nullable()
                .filterable()
                .sortable(),
            A::new("created_at", Kind::Datetime).filterable().sortable(),
            A::new("updated_at", Kind::Datetime).filterable().sortable(),
            A::new("reference", Kind::String)
                .creatable()
                .updatable()
                .nullable()
                .filterable()
                .sortable(),
            A::new("reference_origin", Kind::String)
                .creatable()
                .updatable()
                .nullable()
                .filterable()
                .sortable(),
            A::new("metadata", Kind::Object)
                .creatable()
                .updatable()
                .nullable()
                .filterable(),
        ])
        .relationships(&[
            R::to_many("customers", &["customers"]).includable(),
            R::to_many("markets", &["markets"]).includable(),
            R::to_many("attachments", &["attachments"])
                .includable()
                .filterable(),
            R::to_many("versions", &["versions"]).includable(),
            R::to_many("event_stores", &["event_stores"]),
        ]);

/// A subset of `spec/markets.yaml`: required to-one relationships, triggers that a create
/// may send, an integer, a to-one relationship back to customer groups.
pub const MARKETS: ResourceSchema = ResourceSchema::new("markets", "market")
    .actions(CRUD)
    .attributes(&[
        A::new("number", Kind::Integer),
        A::new("name", Kind::String)
            .required()
            .updatable()
            .filterable()
            .sortable(),
        A::new("code", Kind::String)
            .creatable()
            .updatable()
            .nullable()
            .filterable()
            .sortable(),
        A::new("private", Kind::Boolean),
        A::new("shipping_cost_cutoff", Kind::Integer)
            .creatable()
            .updatable()
            .nullable(),
        A::trigger("_disable").creatable(),
        A::trigger("_enable").creatable(),
        A::new("disabled_at", Kind::Datetime)
            .filterable()
            .sortable(),
        A::new("external_includes", Kind::Array(&Kind::String))
            .creatable()
            .updatable()
            .nullable(),
        A::new("created_at", Kind::Datetime).filterable().sortable(),
        A::new("updated_at", Kind::Datetime).filterable().sortable(),
        A::new("metadata", Kind::Object)
            .creatable()
            .updatable()
            .nullable()
            .filterable(),
    ])
    .relationships(&[
        R::to_one("merchant", &["merchants"])
            .required()
            .updatable()
            .includable()
            .filterable(),
        R::to_one("price_list", &["price_lists"])
            .required()
            .updatable()
            .includable()
            .filterable(),
        R::to_one("inventory_model", &["inventory_models"])
            .required()
            .updatable()
            .includable()
            .filterable(),
        R::to_one("customer_group", &["customer_groups"])
            .creatable()
            .updatable()
            .includable()
            .filterable(),
    ]);

/// A subset of `spec/orders.yaml`: enums, triggers, counts with a default, amounts, a
/// write-only password, a to-one relationship to markets and a polymorphic one.
pub const ORDERS: ResourceSchema = ResourceSchema::new("orders", "order")
    .actions(CRUD)
    .attributes(&[
        A::new("number", Kind::String)
            .creatable()
            .updatable()
            .nullable()
            .filterable()
            .sortable(),
        A::new(
            "status",
            Kind::Enum(&[
                "draft",
                "pending",
                "editing",
                "placing",
                "placed",
                "approved",
                "cancelled",
            ]),
        )
        .filterable()
        .sortable(),
        A::new(
            "payment_status",
            Kind::Enum(&[
                "unpaid",
                "authorized",
                "partially_authorized",
                "paid",
                "partially_paid",
                "voided",
                "partially_voided",
                "refunded",
                "partially_refunded",
                "free",
            ]),
        )
        .filterable()
        .sortable(),
        A::new("guest", Kind::Boolean)
            .creatable()
            .updatable()
            .nullable()
            .filterable()
            .sortable(),
        A::new("customer_email", Kind::String)
            .creatable()
            .updatable()
            .nullable()
            .filterable(),
        A::new("customer_password", Kind::String)
            .creatable()
            .updatable()
            .write_only(),
        A::new("tax_rate", Kind::Float).filterable().sortable(),
        A::new("total_amount_cents", Kind::Integer)
            .filterable()
            .sortable(),
        A::new("skus_count", Kind::Integer).default(Literal::Integer(0)),
        A::trigger("_place"),
        A::trigger("_cancel"),
        A::new("placed_at", Kind::Datetime).filterable().sortable(),
        A::new("created_at", Kind::Datetime).filterable().sortable(),
        A::new("updated_at", Kind::Datetime).filterable().sortable(),
        A::new("metadata", Kind::Object)
            .creatable()
            .updatable()
            .nullable()
            .filterable(),
    ])
    .relationships(&[
        R::to_one("market", &["markets"])
            .creatable()
            .updatable()
            .includable()
            .filterable(),
        R::to_one("customer", &["customers"])
            .creatable()
            .updatable()
            .includable()
            .filterable(),
        R::to_one(
            "payment_source",
            &["adyen_payments", "stripe_payments", "wire_transfers"],
        )
        .creatable()
        .updatable()
        .includable()
        .filterable(),
        R::to_many("line_items", &["line_items"])
            .includable()
            .filterable(),
    ]);

/// A subset of `spec/organizations.yaml`: a singleton.
pub const ORGANIZATIONS: ResourceSchema = ResourceSchema::new("organizations", "organization")
    .singleton()
    .actions(&[Action::Retrieve])
    .attributes(&[
        A::new("name", Kind::String)
            .creatable()
            .updatable()
            .nullable(),
        A::new("slug", Kind::String),
        A::new("api_auth_redirect", Kind::Boolean).default(Literal::Boolean(true)),
        A::new("created_at", Kind::Datetime).filterable().sortable(),
        A::new("updated_at", Kind::Datetime).filterable().sortable(),
    ])
    .relationships(&[R::to_many("event_stores", &["event_stores"])]);

/// Every schema above.
pub const ALL: [&ResourceSchema; 4] = [&CUSTOMER_GROUPS, &MARKETS, &ORDERS, &ORGANIZATIONS];
