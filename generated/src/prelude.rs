//! What the generated resource modules use, in one glob import (`use crate::prelude::*;`).
//!
//! Names here are reserved: the generator refuses a spec that would define a type with one
//! of them (see `generator/src/reserved.rs`).
#![allow(unused_imports)] // each resource uses a different part of it

pub(crate) use std::fmt;

pub(crate) use chrono::{DateTime, Utc};
pub(crate) use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub(crate) use serde_json::{Map, Value};

pub(crate) use crate::call::{DeleteCall, ItemCall, ListCall};
pub(crate) use crate::client::Client;
pub(crate) use crate::jsonapi::{
    FieldName, GenericResource, Linkage, Linkages, Patch, RawName, Resource, ResourceIdentifier,
    ResourceLinks, ResourceMeta, Secret, ToMany, ToOne,
};
pub(crate) use crate::object::IntoObject;
pub(crate) use crate::query::{FilterField, FilterValue};
pub(crate) use crate::support::{Trigger, decode_variant, deserialize_enum, tagged};
