//! The keys each table of a programme file may have, taken from the model's serde
//! definitions, so that a misspelt key is reported instead of silently ignored.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::de::{DeTable, DeValue};

use crate::model::{
    AggregationSpec, Applicability, Assessment, Bands, BasicCondition, CompositeSpec, Document,
    Indicator, Item, Member, MetricDef, Milestone, Phase, Programme, ProgressSpec,
    ProgressThresholds, ProjectionSpec, RecurringDuty, RegionDef, ScoreSpec, Task, TrendSpec, Unit,
    WorkingGroup,
};

/// What a table in the file is.
#[derive(Clone, Copy)]
enum Shape {
    /// A struct of the model: its serde field names (aliases included) and the shape of each
    /// nested table.
    Struct(&'static [&'static str], fn(&str) -> Shape),
    /// A threshold written as a table (a range or a by-attribute threshold).
    Threshold,
    /// A free map (region attributes, threshold values…): any key.
    Any,
}

/// An unknown key: its path and the keys allowed there.
pub(crate) struct UnknownKey {
    pub(crate) path: String,
    pub(crate) key: String,
    pub(crate) allowed: &'static [&'static str],
}

/// Every key of `root` the programme model does not know.
pub(crate) fn unknown_keys(root: &DeTable<'_>) -> Vec<UnknownKey> {
    let mut out = Vec::new();
    walk_table(
        root,
        "",
        Shape::Struct(fields::<Programme>(), programme_child),
        &mut out,
    );
    out
}

fn walk_table(table: &DeTable<'_>, prefix: &str, shape: Shape, out: &mut Vec<UnknownKey>) {
    let (allowed, child): (&'static [&'static str], fn(&str) -> Shape) = match shape {
        Shape::Any => return,
        Shape::Threshold => (&["min", "max", "by", "values", "default"], threshold_child),
        Shape::Struct(f, c) => (f, c),
    };
    for (key, value) in table {
        let key = key.get_ref().as_ref();
        let path = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        if !allowed.contains(&key) {
            out.push(UnknownKey {
                path,
                key: key.to_owned(),
                allowed,
            });
            continue;
        }
        walk_value(value.get_ref(), &path, child(key), out);
    }
}

fn walk_value(value: &DeValue<'_>, path: &str, shape: Shape, out: &mut Vec<UnknownKey>) {
    match value {
        DeValue::Table(t) => walk_table(t, path, shape, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item.get_ref(), &format!("{path}[{i}]"), shape, out);
            }
        }
        _ => {}
    }
}

fn programme_child(key: &str) -> Shape {
    match key {
        "basis" => Shape::Struct(fields::<Document>(), any),
        "milestones" => Shape::Struct(fields::<Milestone>(), any),
        "regions" => Shape::Struct(fields::<RegionDef>(), any),
        "units" => Shape::Struct(fields::<Unit>(), any),
        "groups" => Shape::Struct(fields::<WorkingGroup>(), group_child),
        "metrics" => Shape::Struct(fields::<MetricDef>(), any),
        "conditions" => Shape::Struct(fields::<BasicCondition>(), items_child),
        "indicators" => Shape::Struct(fields::<Indicator>(), items_child),
        "phases" => Shape::Struct(fields::<Phase>(), phase_child),
        "duties" => Shape::Struct(fields::<RecurringDuty>(), any),
        "aggregation" => Shape::Struct(fields::<AggregationSpec>(), aggregation_child),
        _ => Shape::Any,
    }
}

fn any(_: &str) -> Shape {
    Shape::Any
}

fn group_child(key: &str) -> Shape {
    match key {
        "leader" | "deputies" => Shape::Struct(fields::<Member>(), any),
        _ => Shape::Any,
    }
}

fn items_child(key: &str) -> Shape {
    match key {
        "items" => Shape::Struct(fields::<Item>(), item_child),
        _ => Shape::Any,
    }
}

fn item_child(key: &str) -> Shape {
    match key {
        "threshold" => Shape::Threshold,
        "applies_to" => Shape::Struct(fields::<Applicability>(), any),
        "assess" => Shape::Struct(fields::<Assessment>(), assess_child),
        _ => Shape::Any,
    }
}

fn assess_child(key: &str) -> Shape {
    match key {
        "bands" => Shape::Struct(fields::<Bands>(), any),
        "score" => Shape::Struct(fields::<ScoreSpec>(), any),
        "trend" => Shape::Struct(fields::<TrendSpec>(), any),
        "projection" => Shape::Struct(fields::<ProjectionSpec>(), any),
        "progress" => Shape::Struct(fields::<ProgressSpec>(), progress_child),
        _ => Shape::Any,
    }
}

fn progress_child(key: &str) -> Shape {
    match key {
        "thresholds" => Shape::Struct(fields::<ProgressThresholds>(), any),
        _ => Shape::Any,
    }
}

fn aggregation_child(key: &str) -> Shape {
    match key {
        // `weights` is `"equal"`, `"entropy"` or `{ fixed = { code = weight, … } }`: left to serde.
        "composite" => Shape::Struct(fields::<CompositeSpec>(), any),
        _ => Shape::Any,
    }
}

fn threshold_child(_: &str) -> Shape {
    Shape::Any
}

fn phase_child(key: &str) -> Shape {
    match key {
        "tasks" => Shape::Struct(fields::<Task>(), any),
        _ => Shape::Any,
    }
}

/// The field names serde's derive gives a struct (the `FIELDS` list handed to
/// `deserialize_struct`), read by a deserializer that only records them.
fn fields<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(FieldsProbe(&mut found));
    found.unwrap_or(&[])
}

struct FieldsProbe<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldsProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("fields probe"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("fields probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_fields_are_read_from_serde() {
        let f = fields::<Item>();
        assert!(f.contains(&"comparator") && f.contains(&"threshold") && f.contains(&"lead"));
        assert!(fields::<Programme>().contains(&"indicators"));
    }

    #[test]
    fn misspelt_keys_are_found_at_any_depth() {
        let text = "id = 'x'\ntitle = 't'\ntitel = 'u'\n[[indicators]]\ncode = '1'\n\
                    [[indicators.items]]\ncomparater = '>='\nthreshold = { min = 1, maxx = 2 }\n";
        let doc = DeTable::parse(text).unwrap();
        let mut paths: Vec<String> = unknown_keys(doc.get_ref())
            .into_iter()
            .map(|u| u.path)
            .collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "indicators[0].items[0].comparater",
                "indicators[0].items[0].threshold.maxx",
                "titel"
            ]
        );
    }

    #[test]
    fn assess_and_aggregation_keys_are_described() {
        let text = "id = 'x'\ntitle = 't'\n[aggregation]\ncolor = 'continuous'\n\
                    composite = { normalization = 'minmax' }\n[[indicators]]\ncode = '1'\n\
                    [[indicators.items]]\ncode = 'A'\nassess = { bands = { green = 1, redd = 0 }, \
                    projection = [{ milestone = 'm' }, { milestne = 'm' }], \
                    progress = { thresholds = { hi = 1 } }, scor = {} }\n";
        let doc = DeTable::parse(text).unwrap();
        let mut paths: Vec<String> = unknown_keys(doc.get_ref())
            .into_iter()
            .map(|u| u.path)
            .collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "aggregation.color",
                "aggregation.composite.normalization",
                "indicators[0].items[0].assess.bands.redd",
                "indicators[0].items[0].assess.progress.thresholds.hi",
                "indicators[0].items[0].assess.projection[1].milestne",
                "indicators[0].items[0].assess.scor",
            ]
        );
    }
}
