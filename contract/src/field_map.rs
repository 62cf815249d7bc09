//! [`FieldMap`]: a few values by field id, in a `Vec` sorted by field id. In JSON an object,
//! exactly as a `BTreeMap` would be, so it can replace one without changing any JSON. It exists
//! for the browser's wasm: every `BTreeMap<K, V>` instantiation adds its own copy of the B-tree
//! code, and maps of field findings or pre-fill marks hold a handful of entries.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Values by field id, kept sorted by field id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap<V>(Vec<(String, V)>);

impl<V> Default for FieldMap<V> {
    fn default() -> Self {
        FieldMap(Vec::new())
    }
}

impl<V> FieldMap<V> {
    pub fn new() -> Self {
        FieldMap::default()
    }

    fn position(&self, field: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(id, _)| id.as_str().cmp(field))
    }

    pub fn get(&self, field: &str) -> Option<&V> {
        let i = self.position(field).ok()?;
        Some(&self.0[i].1)
    }

    pub fn contains_key(&self, field: &str) -> bool {
        self.position(field).is_ok()
    }

    /// Sets the field's value, replacing the one it had.
    pub fn insert(&mut self, field: String, value: V) {
        match self.position(&field) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (field, value)),
        }
    }

    /// Sets the field's value only if it has none: the first finding on a field is the one
    /// shown.
    pub fn insert_if_absent(&mut self, field: String, value: impl FnOnce() -> V) {
        if let Err(i) = self.position(&field) {
            self.0.insert(i, (field, value()));
        }
    }

    pub fn remove(&mut self, field: &str) {
        if let Ok(i) = self.position(field) {
            self.0.remove(i);
        }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In field id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(id, value)| (id, value))
    }
}

/// A repeated field keeps its last value, as in a `BTreeMap`.
impl<V> FromIterator<(String, V)> for FieldMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        let mut map = FieldMap::new();
        for (field, value) in entries {
            map.insert(field, value);
        }
        map
    }
}

impl<V: Serialize> Serialize for FieldMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for FieldMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = FieldMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }

            // A repeated key keeps its last value, as in a BTreeMap.
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = FieldMap::new();
                while let Some((field, value)) = access.next_entry()? {
                    map.insert(field, value);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_a_json_object_in_field_order_and_a_repeated_key_keeps_its_last_value() {
        let map: FieldMap<u32> =
            serde_json::from_str(r#"{"z":1,"a":2,"z":3}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(map.get("z"), Some(&3));
        assert_eq!(
            serde_json::to_string(&map).unwrap_or_default(),
            r#"{"a":2,"z":3}"#
        );
        assert!(serde_json::from_str::<FieldMap<u32>>("[1]").is_err());
    }

    #[test]
    fn insert_replaces_and_insert_if_absent_keeps_the_first_value() {
        let mut map = FieldMap::new();
        map.insert_if_absent("b".to_owned(), || 1);
        map.insert_if_absent("b".to_owned(), || 2);
        map.insert("a".to_owned(), 3);
        map.insert("a".to_owned(), 4);
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            [(&"a".to_owned(), &4), (&"b".to_owned(), &1)]
        );
        map.remove("a");
        assert!(!map.contains_key("a"));
        map.clear();
        assert!(map.is_empty());
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_repeated_field() {
        let map: FieldMap<u32> = [("b", 1), ("a", 2), ("b", 3)]
            .into_iter()
            .map(|(field, value)| (field.to_owned(), value))
            .collect();
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            [(&"a".to_owned(), &2), (&"b".to_owned(), &3)]
        );
    }
}
