//! Enums without data as JSON strings, written and read through one table of names: what
//! `#[derive(Serialize, Deserialize)]` with `rename_all` writes and reads for a string, with
//! far less code in the browser's wasm. The derive compiles an enum visitor, a variant
//! identifier visitor and the map form (`{"name": null}`) per enum; here every enum shares one
//! string visitor ([`variant_index`]) and an enum is a table. Used for the enums the applicant
//! app reads, whose first load is at its budget.

use std::fmt;

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};

/// Implements `Serialize` and `Deserialize` for an enum without data: each variant is the JSON
/// string after it. A variant left out of the list does not compile.
#[macro_export]
macro_rules! json_str_enum {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::json_enum::serialize_name(
                    serializer,
                    match self {
                        $($ty::$variant => $name,)*
                    },
                )
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const ALL: &[$ty] = &[$($ty::$variant),*];
                const NAMES: &[&str] = &[$($name),*];
                let index = $crate::json_enum::variant_index(deserializer, stringify!($ty), NAMES)?;
                // `variant_index` answers an index into NAMES, which is as long as ALL.
                Ok(ALL[index])
            }
        }
    };
}

/// Writes a variant's name.
pub fn serialize_name<S: Serializer>(serializer: S, name: &'static str) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(name)
}

/// Reads a string and answers its index in `names`; any other string is an unknown variant,
/// with the derive's message ("unknown variant `x`, expected one of …").
pub fn variant_index<'de, D: Deserializer<'de>>(
    deserializer: D,
    enum_name: &'static str,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    deserializer.deserialize_str(Names { enum_name, names })
}

struct Names {
    enum_name: &'static str,
    names: &'static [&'static str],
}

impl Visitor<'_> for Names {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "enum {}", self.enum_name)
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<usize, E> {
        self.names
            .iter()
            .position(|name| *name == value)
            .ok_or_else(|| E::unknown_variant(value, self.names))
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Mode {
        OnCommitment,
        Review,
    }
    json_str_enum!(Mode {
        OnCommitment = "on_commitment",
        Review = "review",
    });

    /// The same JSON as `#[derive(Serialize, Deserialize)] #[serde(rename_all = "snake_case")]`.
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Derived {
        OnCommitment,
        Review,
    }

    #[test]
    fn written_and_read_as_the_derive_does_for_strings() {
        for (mode, derived) in [
            (Mode::OnCommitment, Derived::OnCommitment),
            (Mode::Review, Derived::Review),
        ] {
            let json = serde_json::to_string(&mode).unwrap_or_default();
            assert_eq!(json, serde_json::to_string(&derived).unwrap_or_default());
            assert_eq!(serde_json::from_str::<Mode>(&json).ok(), Some(mode));
        }
        let unknown = |json: &str| {
            let ours = serde_json::from_str::<Mode>(json).map_err(|e| e.to_string());
            let derived = serde_json::from_str::<Derived>(json).map_err(|e| e.to_string());
            (ours.err(), derived.err())
        };
        let (ours, derived) = unknown(r#""approved""#);
        assert_eq!(ours, derived);
        assert!(ours.is_some_and(|e| e.contains("unknown variant `approved`")));
        assert!(unknown("3").0.is_some());
    }
}
