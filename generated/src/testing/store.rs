//! The fake's memory: the records of every served resource, in the order they were made,
//! with their attributes as JSON and their linkage.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::jsonapi::ResourceIdentifier;

use super::schema::ResourceSchema;

/// One stored resource, as the fake holds it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Record {
    /// The JSON:API type (`customer_groups`).
    pub type_name: String,
    /// The id.
    pub id: String,
    /// The attributes, by wire name; those never set are absent (and answered as `null`).
    pub attributes: Map<String, Value>,
    /// The linkage the record holds, by relationship name: at most one identifier for a
    /// to-one relationship. A to-many relationship also answers the records whose to-one
    /// relationship points back here (a market's `customer_group`, for a customer group's
    /// `markets`).
    pub relationships: BTreeMap<String, Vec<ResourceIdentifier>>,
}

impl Record {
    /// A record with no attribute and no linkage.
    pub fn new(type_name: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            type_name: type_name.into(),
            id: id.into(),
            attributes: Map::new(),
            relationships: BTreeMap::new(),
        }
    }

    /// An attribute's value, `None` when unset or `null`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attributes.get(name).filter(|v| !v.is_null())
    }

    /// A string attribute's value.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// Sets an attribute (as the API would: no flag is checked).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.attributes.insert(name.into(), value.into());
    }

    /// The identifiers a relationship holds (empty when unlinked).
    pub fn linked(&self, relationship: &str) -> &[ResourceIdentifier] {
        self.relationships
            .get(relationship)
            .map_or(&[], Vec::as_slice)
    }

    /// Links a relationship to exactly these resources.
    pub fn link(&mut self, relationship: impl Into<String>, to: Vec<ResourceIdentifier>) {
        self.relationships.insert(relationship.into(), to);
    }
}

/// The time as the API writes it: RFC 3339, UTC, milliseconds (`2018-01-01T12:00:00.000Z`).
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The records of one type, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: BTreeMap<u64, Record>,
    by_id: HashMap<String, u64>,
    next: u64,
}

impl Table {
    pub(crate) fn get(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id).and_then(|seq| self.rows.get(seq))
    }

    /// Stores a record, replacing the one with its id (which keeps its place).
    pub(crate) fn put(&mut self, record: Record) {
        match self.by_id.get(&record.id) {
            Some(seq) => {
                self.rows.insert(*seq, record);
            }
            None => {
                let seq = self.next;
                self.next += 1;
                self.by_id.insert(record.id.clone(), seq);
                self.rows.insert(seq, record);
            }
        }
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Record> {
        let seq = self.by_id.remove(id)?;
        self.rows.remove(&seq)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Record> {
        self.rows.values()
    }
}

/// Every served resource's table, and the id generator.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) schemas: BTreeMap<&'static str, &'static ResourceSchema>,
    /// Singletons by their path (`organization`).
    pub(crate) singletons: BTreeMap<&'static str, &'static ResourceSchema>,
    tables: HashMap<&'static str, Table>,
    ids: RandomState,
    counter: u64,
}

impl Store {
    pub(crate) fn new(schemas: &[&'static ResourceSchema]) -> Self {
        let mut store = Self {
            schemas: BTreeMap::new(),
            singletons: BTreeMap::new(),
            tables: HashMap::new(),
            ids: RandomState::new(),
            counter: 0,
        };
        for schema in schemas {
            store.schemas.insert(schema.type_name, schema);
            store.tables.entry(schema.type_name).or_default();
            if schema.singleton {
                store.singletons.insert(schema.singular, schema);
            }
        }
        // A singleton always exists: the API has one organization, one application.
        let singletons: Vec<_> = store.singletons.values().copied().collect();
        for schema in singletons {
            let id = store.new_id(schema.type_name);
            let mut record = Record::new(schema.type_name, id);
            stamp_new(&mut record, schema);
            store.put(record);
        }
        store
    }

    pub(crate) fn schema(&self, type_name: &str) -> Option<&'static ResourceSchema> {
        self.schemas.get(type_name).copied()
    }

    pub(crate) fn table(&self, type_name: &str) -> Option<&Table> {
        self.tables.get(type_name)
    }

    pub(crate) fn get(&self, type_name: &str, id: &str) -> Option<&Record> {
        self.tables.get(type_name)?.get(id)
    }

    /// Stores a record of a served type; a record of another type is dropped (callers check).
    pub(crate) fn put(&mut self, record: Record) {
        if let Some(table) = self.tables.get_mut(record.type_name.as_str()) {
            table.put(record);
        }
    }

    pub(crate) fn remove(&mut self, type_name: &str, id: &str) -> Option<Record> {
        self.tables.get_mut(type_name)?.remove(id)
    }

    /// The one record of a singleton type.
    pub(crate) fn singleton(&self, type_name: &str) -> Option<&Record> {
        self.tables.get(type_name)?.iter().next()
    }

    /// A new id, unused in `type_name`: ten letters, as the API's ids are (`xYZkjABcde`).
    pub(crate) fn new_id(&mut self, type_name: &str) -> String {
        const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        loop {
            self.counter += 1;
            let mut hasher = self.ids.build_hasher();
            hasher.write_u64(self.counter);
            let mut bits = hasher.finish();
            let mut id = String::with_capacity(10);
            for _ in 0..10 {
                id.push(LETTERS[(bits % 52) as usize] as char);
                bits /= 52;
                if bits == 0 {
                    let mut more = self.ids.build_hasher();
                    more.write_u64(self.counter ^ 0x9e37_79b9_7f4a_7c15);
                    bits = more.finish();
                }
            }
            if self.get(type_name, &id).is_none() {
                return id;
            }
        }
    }
}

/// Gives a new record its timestamps and its attributes' defaults.
pub(crate) fn stamp_new(record: &mut Record, schema: &ResourceSchema) {
    let now = Value::String(timestamp(Utc::now()));
    for attribute in schema.attributes {
        if record.attributes.contains_key(attribute.name) {
            continue;
        }
        if let Some(default) = attribute.default {
            record.set(attribute.name, default.to_json());
        } else if matches!(attribute.name, "created_at" | "updated_at") {
            record.set(attribute.name, now.clone());
        }
    }
}
