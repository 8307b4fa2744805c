//! Programme files: the built-in baoshan-2017 checked against the seed document, broken files
//! reported with the exact problem, line and field, round trips, syntax errors.

use ecociv::model::{Attribute, Comparator, Level, Threshold};
use ecociv::programme::{self, Problem, ProblemKind, ProgrammeError};

// ------------------------------------------------------------------------------------------
// (a) The built-in programme against the seed (shared/seeds/baoshan-2017-work-plan.txt) and the
// benchmark kit (shared/bench/README.md, common.py). Transcribed from those texts, not from the
// TOML file.

/// One item: code, indicator ("" for a basic condition's item), measure (the kit's spec),
/// comparator, threshold, attribute, unit, lead units, cooperating units.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<f64>,
    Attribute,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
);

/// A basic condition: code, lead units, cooperating units, start of the text, item codes.
type ConditionRow = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

/// A phase: code, name, start, end, number of tasks, phase-level lead units.
type PhaseRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static [&'static str],
);

use Attribute::{Binding as B, Guiding as G};

const BC3_LEAD: &[&str] = &[
    "市发展改革委",
    "市工业信息化委",
    "市环境保护局",
    "市农业局",
    "市林业局",
    "市水务局",
];

#[rustfmt::skip]
const ITEMS: [Row; 24] = [
    ("I01", "1", "rural_income", ">=", Some(6000.0), B, Some("元/人"), &["市农业局"], &["市统计局"]),
    ("I02", "2", "tertiary_va / gdp * 100", ">=", Some(40.0), G, Some("%"), &["市发展改革委"], &["市商务局", "市统计局"]),
    ("I03", "3", "energy_per_gdp", "<=", Some(1.1), B, Some("吨标煤/万元"), &["市工业信息化委"], &["市发展改革委", "市环境保护局", "市统计局"]),
    ("I04a", "4", "industrial_water_per_va", "<=", Some(30.0), B, Some("m3/万元"), &["市工业信息化委"], &["市水务局", "市统计局", "市环境保护局"]),
    ("I04b", "4", "irrigation_efficiency", ">=", Some(0.50), B, None, &["市水务局"], &["市农业局", "市统计局"]),
    ("I05", "5", "clean_production_audit_rate", ">=", Some(100.0), B, Some("%"), &["市环境保护局"], &["市工业信息化委"]),
    ("I06a", "6", "forest_coverage - lag(forest_coverage, 1)", ">=", Some(0.3), B, Some("百分点"), &["市林业局"], &["市国土资源局", "市统计局"]),
    ("I06b", "6", "(forest_land_area / lag(forest_land_area, 1) - 1) * 100", ">=", Some(0.05), B, Some("%"), &["市林业局"], &["市国土资源局", "市统计局"]),
    ("I07", "7", "protected_area_share", ">=", Some(15.0), B, Some("%"), &["市环境保护局"], &["市住房城乡建设局", "市林业局", "市农业局", "市水务局", "市国土资源局", "高黎贡山国家级自然保护区保山管护局"]),
    ("I08", "8", "air_quality_meets", "holds", None, B, None, &["市环境保护局"], &["市住房城乡建设局", "市公安局", "市工业信息化委"]),
    ("I09", "9", "water_quality_meets", "holds", None, B, None, &["市环境保护局"], &["市水务局", "市住房城乡建设局", "市工业信息化委"]),
    ("I10", "10", "cod_emission <= cod_quota and nh3n_emission <= nh3n_quota and so2_emission <= so2_quota and nox_emission <= nox_quota", "holds", None, B, None, &["市环境保护局"], &["市工业信息化委", "市住房城乡建设局", "市发展改革委"]),
    ("I11", "11", "drinking_water_compliance", ">=", Some(100.0), B, Some("%"), &["生态市创建办"], &["市水务局", "市住房城乡建设局", "市林业局", "市国土资源局", "市卫生计生委"]),
    ("I12a", "12", "sewage_treatment_rate", ">=", Some(85.0), B, Some("%"), &["市住房城乡建设局"], &["市环境保护局"]),
    ("I12b", "12", "industrial_water_reuse", ">=", Some(80.0), B, Some("%"), &["市工业信息化委"], &["市水务局", "市发展改革委", "市环境保护局"]),
    ("I13", "13", "noise_meets", "holds", None, B, None, &["市环境保护局"], &["市住房城乡建设局", "市公安局"]),
    ("I14a", "14", "msw_harmless_rate", ">=", Some(80.0), B, Some("%"), &["市住房城乡建设局"], &["市环境保护局"]),
    ("I14b", "14", "industrial_solid_waste_use", ">=", Some(80.0), B, Some("%"), &["市环境保护局"], &["市工业信息化委", "市统计局"]),
    ("I15", "15", "green_space_per_capita", ">=", Some(10.0), B, Some("m2/人"), &["市住房城乡建设局"], &["市林业局"]),
    ("I16", "16", "env_investment / gdp * 100", ">=", Some(3.0), B, Some("%"), &["市发展改革委"], &["市财政局", "市住房城乡建设局", "市环境保护局", "市林业局", "市农业局", "市水务局", "市国土资源局"]),
    ("I17", "17", "urbanization", ">=", Some(40.0), G, Some("%"), &["市住房城乡建设局"], &["市发展改革委", "市统计局"]),
    ("I18", "18", "public_satisfaction", ">", Some(90.0), G, Some("%"), &["市统计局"], &["市委宣传部", "市文化广电新闻出版局", "市环境保护局", "市住房城乡建设局", "市教育局", "市工业信息化委"]),
    ("B3", "", "sum(major_incidents, 3)", "=", Some(0.0), B, Some("次"), BC3_LEAD, &["各县(市、区)政府", "各园区管委会"]),
    ("C4", "", "share(children, verdict)", ">=", Some(80.0), B, Some("%"), &["各县(市、区)政府"], &["市创建领导小组成员单位"]),
];

/// The 33 metrics of the benchmark kit (common.METRICS), in its order.
const METRICS: [&str; 33] = [
    "rural_income",
    "tertiary_va",
    "gdp",
    "energy_per_gdp",
    "industrial_water_per_va",
    "irrigation_efficiency",
    "clean_production_audit_rate",
    "forest_coverage",
    "forest_land_area",
    "protected_area_share",
    "air_quality_meets",
    "water_quality_meets",
    "cross_border_class",
    "cod_emission",
    "cod_quota",
    "nh3n_emission",
    "nh3n_quota",
    "so2_emission",
    "so2_quota",
    "nox_emission",
    "nox_quota",
    "drinking_water_compliance",
    "sewage_treatment_rate",
    "industrial_water_reuse",
    "noise_meets",
    "msw_harmless_rate",
    "industrial_solid_waste_use",
    "hazardous_discharge",
    "green_space_per_capita",
    "env_investment",
    "urbanization",
    "public_satisfaction",
    "major_incidents",
];

fn baoshan() -> ecociv::Programme {
    programme::builtin("baoshan-2017").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn baoshan_items_match_the_seed_row_by_row() {
    let p = baoshan();
    let codes: Vec<&str> = p.items().map(|i| i.code.as_str()).collect();
    let expected: Vec<&str> = ITEMS.iter().map(|r| r.0).collect();
    assert_eq!(codes, expected, "items in the kit's order (common.ITEMS)");
    for (row, item) in ITEMS.iter().zip(p.items()) {
        let (code, indicator, measure, cmp, threshold, attribute, unit, lead, coop) = *row;
        assert_eq!(item.measure, measure, "{code} measure");
        assert_eq!(item.comparator.symbol(), cmp, "{code} comparator");
        assert_eq!(
            item.threshold
                .as_ref()
                .map(|t| t.value_for(&Default::default()).unwrap()),
            threshold,
            "{code} threshold"
        );
        assert!(
            matches!(item.threshold, None | Some(Threshold::Value(_))),
            "{code} threshold is one number"
        );
        assert_eq!(item.attribute, attribute, "{code} attribute");
        assert_eq!(item.unit.as_deref(), unit, "{code} unit");
        assert_eq!(item.lead, lead, "{code} lead");
        assert_eq!(item.cooperating, coop, "{code} cooperating");
        match p.indicator_of(code) {
            Some(ind) => assert_eq!(ind.code, indicator, "{code} indicator"),
            None => assert!(
                indicator.is_empty() && p.condition_of(code).is_some(),
                "{code} owner"
            ),
        }
        let requires = match code {
            "I09" => Some("cross_border_class <= lag(cross_border_class, 1)"),
            "I14b" => Some("hazardous_discharge == 0"),
            _ => None,
        };
        assert_eq!(item.requires.as_deref(), requires, "{code} requires");
        assert_eq!(
            item.applies_to.levels,
            if code == "C4" {
                vec![Level::City]
            } else {
                vec![]
            },
            "{code} applies_to"
        );
        assert!(item.applies_to.attributes.is_empty());
        // Deadline projections to both milestones on every numeric item with a direction
        // (≥, >, ≤): linear for the yearly increments of indicator 6, compound otherwise.
        let projections: Vec<(Option<&str>, ecociv::model::Growth)> = item
            .assess
            .iter()
            .flat_map(|a| &a.projection)
            .map(|s| (s.milestone.as_deref(), s.method))
            .collect();
        let directed = threshold.is_some() && matches!(cmp, ">=" | ">" | "<=");
        if directed && !indicator.is_empty() {
            let method = if code.starts_with("I06") {
                ecociv::model::Growth::Linear
            } else {
                ecociv::model::Growth::Compound
            };
            assert_eq!(
                projections,
                [(Some("technical_assessment"), method), (Some("acceptance"), method)],
                "{code} projections"
            );
            let a = item.assess.as_ref().unwrap();
            assert!(a.bands.is_none() && a.score.is_none() && a.trend.is_none() && a.progress.is_none());
        } else {
            assert!(item.assess.is_none(), "{code} declares no assess table");
        }
    }
    // The readings the brief asks to record are in the file.
    for code in ["I05", "I11", "I14b", "B3", "C4"] {
        assert!(
            p.items().find(|i| i.code == code).unwrap().note.is_some(),
            "{code} has a note"
        );
    }
    assert!(
        p.items()
            .find(|i| i.code == "I14b")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("≥80")
    );
}

#[test]
fn baoshan_counts_conditions_and_categories() {
    let p = baoshan();
    assert_eq!(p.conditions.len(), 6);
    assert_eq!(p.indicators.len(), 18);
    assert_eq!(p.items().count(), 24);
    assert_eq!(
        p.indicators.iter().map(|i| i.items.len()).sum::<usize>(),
        22
    );
    let codes: Vec<&str> = p.indicators.iter().map(|i| i.code.as_str()).collect();
    let expected: Vec<String> = (1..=18).map(|i| i.to_string()).collect();
    assert_eq!(codes, expected);
    let two: Vec<&str> = p
        .indicators
        .iter()
        .filter(|i| i.items.len() == 2)
        .map(|i| i.code.as_str())
        .collect();
    assert_eq!(two, ["4", "6", "12", "14"]);
    assert_eq!(p.categories, ["发展生态经济", "生态环境保护", "社会进步"]);
    let per: Vec<usize> = p
        .categories
        .iter()
        .map(|c| p.indicators.iter().filter(|i| &i.category == c).count())
        .collect();
    assert_eq!(per, [5, 11, 2]);
    assert_eq!(
        p.metrics
            .iter()
            .map(|m| m.code.as_str())
            .collect::<Vec<_>>(),
        METRICS
    );
    let booleans: Vec<&str> = p
        .metrics
        .iter()
        .filter(|m| m.kind == ecociv::model::MetricKind::Boolean)
        .map(|m| m.code.as_str())
        .collect();
    assert_eq!(
        booleans,
        ["air_quality_meets", "water_quality_meets", "noise_meets"]
    );
    assert!(
        p.metrics
            .iter()
            .all(|m| !m.name.is_empty() && m.name.chars().any(|c| c > '\u{2e80}'))
    );

    // Basic conditions: code, lead, cooperating, start of the text, measurable items.
    #[rustfmt::skip]
    let conditions: [ConditionRow; 6] = [
        ("BC1", &["生态市创建办"], &["各县(市、区)党委、政府", "各园区党工委、管委会", "市创建领导小组成员单位"], "制订《生态文明州(市)建设规划》", &[]),
        ("BC2", &["市委组织部", "生态市创建办"], &["各县(市、区)党委、政府", "各园区党工委、管委会", "市创建领导小组成员单位"], "全州(市)县(市、区)级以上政府", &[]),
        ("BC3", BC3_LEAD, &["各县(市、区)政府", "各园区管委会"], "完成上级政府下达的节能减排任务", &["B3"]),
        ("BC4", &["各县(市、区)政府"], &["市创建领导小组成员单位"], "州(市)80%的县(市、区)", &["C4"]),
        ("BC5", &["生态市创建办"], &["各县(市、区)政府", "各园区管委会", "市创建领导小组成员单位"], "生态环境质量达到优良水平", &[]),
        ("BC6", &["市发展改革委", "市规划局", "市环境保护局"], &["各县(市、区)政府", "各园区管委会", "市创建领导小组成员单位"], "生态文明制度建设有序推进", &[]),
    ];
    for ((code, lead, coop, text, items), c) in conditions.iter().zip(&p.conditions) {
        assert_eq!(&c.code, code);
        assert_eq!(&c.lead, lead, "{code} lead");
        assert_eq!(&c.cooperating, coop, "{code} cooperating");
        assert!(c.text.starts_with(text), "{code} text: {}", c.text);
        assert_eq!(
            c.items.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
            *items
        );
    }
    assert!(
        p.conditions[2]
            .text
            .ends_with("外来入侵物种对生态环境未造成明显影响。")
    );
}

#[test]
fn baoshan_phases_groups_milestones_and_regions() {
    let p = baoshan();
    // (code, name, start, end, tasks, phase-level lead)
    #[rustfmt::skip]
    let phases: [PhaseRow; 7] = [
        ("P1", "启动阶段", "2017-01-01", "2017-03-30", 5, &[]),
        ("P2", "完善阶段", "2017-04-01", "2017-06-30", 6, &[]),
        ("P3", "自查阶段", "2017-07-01", "2017-09-30", 5, &[]),
        ("P4", "迎接技术评估阶段", "2017-10-01", "2017-12-30", 3, &[]),
        ("P5", "落实整改阶段", "2018-01-01", "2018-03-30", 0, &["生态市创建办"]),
        ("P6", "迎接考核验收阶段", "2018-04-01", "2018-06-30", 0, &["市政府办公室", "生态市创建办"]),
        ("P7", "健全长效机制阶段", "2018-07-01", "2018-12-30", 0, &["各县(市、区)政府", "各园区管委会"]),
    ];
    assert_eq!(p.phases.len(), 7);
    for ((code, name, start, end, tasks, lead), ph) in phases.iter().zip(&p.phases) {
        assert_eq!((&ph.code, &ph.name), (&code.to_string(), &name.to_string()));
        assert_eq!(
            (ph.start.to_string(), ph.end.to_string()),
            (start.to_string(), end.to_string()),
            "{code} dates"
        );
        assert_eq!(ph.tasks.len(), *tasks, "{code} tasks");
        assert_eq!(&ph.lead, lead, "{code} lead");
        for (k, t) in ph.tasks.iter().enumerate() {
            assert_eq!(t.code, format!("{code}.{}", k + 1));
            assert!(
                !t.lead.is_empty() && !t.cooperating.is_empty(),
                "{} units",
                t.code
            );
        }
    }
    let task = |c: &str| {
        p.phases
            .iter()
            .flat_map(|ph| &ph.tasks)
            .find(|t| t.code == c)
            .unwrap()
    };
    assert_eq!(task("P1.5").lead, ["市委督查室", "市政府督查室"]);
    assert_eq!(task("P2.4").lead, ["隆阳区、龙陵县、昌宁县党委、政府"]);
    assert_eq!(task("P2.5").lead, ["施甸县党委、政府"]);
    assert_eq!(task("P4.1").lead, ["市政府办公室"]);
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("03-30") && n.contains("12-30"))
    );

    // (group, leader, leader's post, deputies)
    #[rustfmt::skip]
    let groups: [(&str, &str, &str, &[&str]); 5] = [
        ("综合协调组", "徐鹏声", "市政府秘书长", &["黄吉明", "万青"]),
        ("督查组", "王飞", "市委督查室主任", &["李永强"]),
        ("技术材料组", "万青", "市创建办主任、市环境保护局局长", &["薛众"]),
        ("宣传报道组", "朱光亮", "市委宣传部常务副部长", &["薛众"]),
        ("后勤保障组", "黄吉明", "市政府办公室副主任", &["薛众"]),
    ];
    assert_eq!(p.groups.len(), 5);
    for ((name, leader, post, deputies), g) in groups.iter().zip(&p.groups) {
        assert_eq!(
            (
                g.name.as_str(),
                g.leader.name.as_str(),
                g.leader.post.as_str()
            ),
            (*name, *leader, *post)
        );
        assert_eq!(
            g.deputies
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>(),
            *deputies,
            "{name}"
        );
        assert!(g.duties.starts_with("负责"), "{name} duties");
    }
    assert_eq!(
        p.groups[0].deputies[1].post,
        "市创建办主任、市环境保护局局长"
    );

    let milestones: Vec<(&str, String, Option<&str>)> = p
        .milestones
        .iter()
        .map(|m| (m.code.as_str(), m.due.to_string(), m.authority.as_deref()))
        .collect();
    assert_eq!(
        milestones,
        [
            (
                "technical_assessment",
                "2017-12-31".to_owned(),
                Some("省环保厅")
            ),
            ("acceptance", "2018-06-30".to_owned(), Some("省环保厅")),
        ]
    );

    let regions: Vec<(&str, &str, Level, Option<&str>)> = p
        .regions
        .iter()
        .map(|r| {
            (
                r.code.as_str(),
                r.name.as_str(),
                r.level,
                r.parent.as_deref(),
            )
        })
        .collect();
    let c = Some("530500");
    assert_eq!(
        regions,
        [
            ("530500", "保山市", Level::City, None),
            ("530502", "隆阳区", Level::County, c),
            ("530521", "施甸县", Level::County, c),
            ("530581", "腾冲市", Level::County, c),
            ("530523", "龙陵县", Level::County, c),
            ("530524", "昌宁县", Level::County, c),
        ]
    );

    assert_eq!(p.issued_by, ["中共保山市委办公室", "保山市人民政府办公室"]);
    assert_eq!(
        p.issued_on.map(|d| d.to_string()).as_deref(),
        Some("2017-03-27")
    );
    assert!(p.source.as_deref().unwrap().contains("2017-03-31"));
    let numbers: Vec<Option<&str>> = p.basis.iter().map(|d| d.number.as_deref()).collect();
    assert_eq!(
        numbers,
        [
            Some("云环发〔2014〕38号"),
            None,
            Some("保办发〔2016〕30号"),
            Some("保发〔2017〕3号")
        ]
    );
    let duties: Vec<(&str, &str, &[String])> = p
        .duties
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str(), d.lead.as_slice()))
        .collect();
    assert_eq!(duties.len(), 2);
    assert_eq!((duties[0].0, duties[0].1), ("monthly_report", "月通报评价"));
    assert_eq!(
        (duties[1].0, duties[1].1),
        ("quarterly_inspection", "季督查")
    );
    assert_eq!(duties[1].2, ["市委督查室", "市政府督查室"]);
    // Every unit the seed names as lead or cooperating is declared (the loader checks it) and
    // the collective ones say so.
    let unit = |n: &str| {
        p.units
            .iter()
            .find(|u| u.name == n)
            .unwrap_or_else(|| panic!("unit {n}"))
    };
    for n in [
        "各县(市、区)党委、政府",
        "各园区党工委、管委会",
        "市创建领导小组成员单位",
        "各县(市、区)政府",
    ] {
        assert!(
            unit(n).note.as_deref().unwrap().contains("Collective"),
            "{n}"
        );
    }
    unit("高黎贡山国家级自然保护区保山管护局");
}

// ------------------------------------------------------------------------------------------
// (d) Round trips.

#[test]
fn builtin_round_trips_through_text_and_file() {
    let p = baoshan();
    let text = programme::to_toml_string(&p).unwrap();
    assert!(
        text.contains("农民年人均纯收入"),
        "UTF-8 names are written as such"
    );
    let again = programme::load_str(&text, "saved.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, p);
    assert_eq!(
        programme::to_toml_string(&again).unwrap(),
        text,
        "saving is deterministic"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baoshan.toml");
    programme::save_file(&p, &path).unwrap();
    assert_eq!(programme::load_file(&path).unwrap(), p);
}

#[test]
fn unknown_builtin_and_missing_file_are_errors() {
    assert!(
        matches!(programme::builtin("nowhere"), Err(ProgrammeError::UnknownBuiltin(id)) if id == "nowhere")
    );
    assert_eq!(programme::builtin_ids(), ["baoshan-2017"]);
    let err = programme::load_file("/nonexistent/plan.toml").unwrap_err();
    assert!(
        matches!(&err, ProgrammeError::Io { path, .. } if path.ends_with("plan.toml")),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------
// (b) Broken files: each kind of mistake, with its exact kind, line and field.

const MINI: &str = r#"id = "mini"
title = "迷你方案"
categories = ["发展生态经济", "社会进步"]

[[regions]]
code = "530500"
name = "保山市"
level = "city"

[[regions]]
code = "530502"
name = "隆阳区"
level = "county"
parent = "530500"

[[units]]
name = "市农业局"

[[units]]
name = "市统计局"

[[metrics]]
code = "rural_income"
name = "农民年人均纯收入"
unit = "元/人"

[[metrics]]
code = "air_quality_meets"
name = "空气环境质量达到功能区标准"
kind = "boolean"

[[indicators]]
code = "1"
name = "农民年人均纯收入"
category = "发展生态经济"

[[indicators.items]]
code = "I01"
name = "农民年人均纯收入"
measure = "rural_income"
comparator = ">="
threshold = 6000
unit = "元/人"
attribute = "约束性"
lead = ["市农业局"]
cooperating = ["市统计局"]

[[indicators]]
code = "8"
name = "空气环境质量"
category = "社会进步"

[[indicators.items]]
code = "I08"
name = "空气环境质量达到功能区标准"
measure = "air_quality_meets"
comparator = "holds"
attribute = "binding"
lead = ["市统计局"]

[[phases]]
code = "P1"
name = "启动阶段"
start = 2017-01-01
end = 2017-03-30

[[phases.tasks]]
code = "P1.1"
text = "制定工作方案。"
lead = ["市农业局"]
due = 2017-02-28
"#;

/// `text` with the `n`-th (1-based) occurrence of `from` replaced by `to`.
fn edit(text: &str, from: &str, to: &str, n: usize) -> String {
    let (at, _) = text
        .match_indices(from)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{from:?} #{n} not in text"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

/// 1-based line of the `n`-th occurrence of `needle`.
fn line_of(text: &str, needle: &str, n: usize) -> usize {
    let (at, _) = text
        .match_indices(needle)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"));
    text[..at].matches('\n').count() + 1
}

fn problems(text: &str) -> Vec<Problem> {
    match programme::load_str(text, "mini.toml") {
        Err(ProgrammeError::Invalid { file, problems }) => {
            assert_eq!(file, "mini.toml");
            problems
        }
        Err(other) => panic!("expected Invalid, got {other}"),
        Ok(_) => panic!("a broken file loaded"),
    }
}

/// 1-based (line, column) of the `n`-th occurrence of `needle`; the column counts characters.
fn pos_of(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let (at, _) = text
        .match_indices(needle)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        line_of(text, needle, n),
        text[start..at].chars().count() + 1,
    )
}

/// Asserts that `text` has exactly one problem, of this kind and field, located at the `n`-th
/// occurrence of `needle` (line and column).
fn assert_one(text: &str, kind: ProblemKind, field: &str, (needle, n): (&str, usize)) -> Problem {
    let ps = problems(text);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = ps.into_iter().next().unwrap();
    let (line, column) = pos_of(text, needle, n);
    assert_eq!(
        (p.kind, p.field.as_str(), p.line, p.column),
        (kind, field, line, column),
        "{p:#?}"
    );
    p
}

#[test]
fn the_mini_programme_is_valid() {
    let p = programme::load_str(MINI, "mini.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.items().count(), 2);
    assert_eq!(
        p.phases[0].tasks[0].due.map(|d| d.to_string()).as_deref(),
        Some("2017-02-28")
    );
    // Dates may also be written as strings.
    let quoted = edit(MINI, "start = 2017-01-01", "start = \"2017-01-01\"", 1);
    assert_eq!(programme::load_str(&quoted, "mini.toml").unwrap(), p);
}

#[test]
fn unknown_unit() {
    let t = edit(
        MINI,
        "cooperating = [\"市统计局\"]",
        "cooperating = [\"市统计厅\"]",
        1,
    );
    let p = assert_one(
        &t,
        ProblemKind::UnknownUnit,
        "indicators[0].items[0].cooperating[0]",
        ("\"市统计厅\"", 1),
    );
    assert!(p.message.contains("市统计厅"), "{}", p.message);
    // In a task too.
    let t = edit(
        MINI,
        "lead = [\"市农业局\"]\ndue",
        "lead = [\"市农业厅\"]\ndue",
        1,
    );
    assert_one(
        &t,
        ProblemKind::UnknownUnit,
        "phases[0].tasks[0].lead[0]",
        ("\"市农业厅\"", 1),
    );
}

#[test]
fn unknown_metric() {
    let t = edit(
        MINI,
        "measure = \"rural_income\"",
        "measure = \"rural_income / rural_incom\"",
        1,
    );
    let p = assert_one(
        &t,
        ProblemKind::UnknownMetric,
        "indicators[0].items[0].measure",
        ("measure = \"rural_income /", 1),
    );
    assert!(
        p.message.contains("`rural_incom` at position 15"),
        "{}",
        p.message
    );
}

#[test]
fn duplicate_code() {
    let t = edit(MINI, "code = \"I08\"", "code = \"I01\"", 1);
    let p = assert_one(
        &t,
        ProblemKind::DuplicateCode,
        "indicators[1].items[0].code",
        ("code = \"I01\"", 2),
    );
    assert!(
        p.message.contains(&format!(
            "first at line {}",
            line_of(&t, "code = \"I01\"", 1)
        )),
        "{}",
        p.message
    );
    let t = edit(MINI, "code = \"530502\"", "code = \"530500\"", 1)
        .replace("parent = \"530500\"\n", "");
    let p = assert_one(
        &t,
        ProblemKind::DuplicateCode,
        "regions[1].code",
        ("code = \"530500\"", 2),
    );
    assert!(p.message.contains("first at line 6"), "{}", p.message);
    let t = edit(MINI, "name = \"市统计局\"", "name = \"市农业局\"", 1);
    let ps = problems(&t);
    // The duplicate unit, and the item whose lead 市统计局 no longer exists.
    let kinds: Vec<(ProblemKind, &str)> = ps.iter().map(|p| (p.kind, p.field.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (ProblemKind::DuplicateCode, "units[1].name"),
            (
                ProblemKind::UnknownUnit,
                "indicators[0].items[0].cooperating[0]"
            ),
            (ProblemKind::UnknownUnit, "indicators[1].items[0].lead[0]"),
        ]
    );
}

#[test]
fn missing_threshold() {
    let t = edit(MINI, "threshold = 6000\n", "", 1);
    // Reported at the item's table, which lacks the key.
    assert_one(
        &t,
        ProblemKind::MissingThreshold,
        "indicators[0].items[0].threshold",
        ("[[indicators.items]]", 1),
    );
}

#[test]
fn comparator_that_does_not_fit() {
    let field = "indicators[0].items[0].comparator";
    let t = edit(
        MINI,
        "threshold = 6000",
        "threshold = { min = 1, max = 3 }",
        1,
    );
    let p = assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        field,
        ("comparator = \">=\"", 1),
    );
    assert!(p.message.contains("range"), "{}", p.message);
    let t = edit(MINI, "threshold = 6000", "threshold = \"I\"", 1);
    assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        field,
        ("comparator = \">=\"", 1),
    );
    let t = edit(MINI, "comparator = \">=\"", "comparator = \"between\"", 1);
    assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        field,
        ("comparator = \"between\"", 1),
    );
    // holds: no threshold, and a condition to hold.
    let field = "indicators[1].items[0].comparator";
    let t = edit(
        MINI,
        "comparator = \"holds\"",
        "comparator = \"holds\"\nthreshold = 1",
        1,
    );
    assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        field,
        ("comparator = \"holds\"", 1),
    );
    let t = edit(
        MINI,
        "measure = \"air_quality_meets\"",
        "measure = \"rural_income\"",
        1,
    );
    assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        field,
        ("comparator = \"holds\"", 1),
    );
    // A number comparator on a condition.
    let t = edit(
        MINI,
        "measure = \"rural_income\"",
        "measure = \"rural_income > 1\"",
        1,
    );
    assert_one(
        &t,
        ProblemKind::ComparatorMismatch,
        "indicators[0].items[0].comparator",
        ("comparator = \">=\"", 1),
    );
    // between with an inverted range.
    let t = edit(
        MINI,
        "comparator = \">=\"\nthreshold = 6000",
        "comparator = \"between\"\nthreshold = { min = 3, max = 1 }",
        1,
    );
    assert_one(
        &t,
        ProblemKind::InvertedRange,
        "indicators[0].items[0].threshold",
        ("threshold = { min = 3", 1),
    );
    let t = edit(MINI, "threshold = 6000", "threshold = nan", 1);
    assert_one(
        &t,
        ProblemKind::NotFinite,
        "indicators[0].items[0].threshold",
        ("threshold = nan", 1),
    );
}

#[test]
fn inverted_dates() {
    let t = edit(MINI, "end = 2017-03-30", "end = 2016-03-30", 1);
    let p = assert_one(
        &t,
        ProblemKind::InvertedDates,
        "phases[0].end",
        ("end = 2016-03-30", 1),
    );
    assert!(
        p.message.contains("2016-03-30") && p.message.contains("2017-01-01"),
        "{}",
        p.message
    );
}

#[test]
fn task_outside_its_phase() {
    let t = edit(MINI, "due = 2017-02-28", "due = 2017-03-31", 1);
    assert_one(
        &t,
        ProblemKind::TaskOutsidePhase,
        "phases[0].tasks[0].due",
        ("due = ", 1),
    );
    // Both ends are inside.
    for d in ["2017-01-01", "2017-03-30"] {
        programme::load_str(&edit(MINI, "2017-02-28", d, 1), "mini.toml").unwrap();
    }
}

#[test]
fn other_reference_and_expression_mistakes() {
    let t = edit(
        MINI,
        "category = \"社会进步\"",
        "category = \"社会发展\"",
        1,
    );
    assert_one(
        &t,
        ProblemKind::UnknownCategory,
        "indicators[1].category",
        ("category = \"社会发展", 1),
    );
    let t = edit(MINI, "parent = \"530500\"", "parent = \"530599\"", 1);
    assert_one(
        &t,
        ProblemKind::UnknownRegion,
        "regions[1].parent",
        ("parent", 1),
    );
    let t = edit(
        MINI,
        "measure = \"rural_income\"",
        "measure = \"lag(rural_income, )\"",
        1,
    );
    let p = assert_one(
        &t,
        ProblemKind::Expression,
        "indicators[0].items[0].measure",
        ("measure = \"lag", 1),
    );
    assert!(p.message.contains("position"), "{}", p.message);
    let t = edit(
        MINI,
        "comparator = \"holds\"",
        "comparator = \"holds\"\nrequires = \"rural_income\"",
        1,
    );
    assert_one(
        &t,
        ProblemKind::TypeMismatch,
        "indicators[1].items[0].requires",
        ("requires", 1),
    );
    let t = edit(
        MINI,
        "unit = \"元/人\"\nattribute",
        "unit = \"元/人\"\nremark = \"x\"\nattribute",
        1,
    );
    let p = assert_one(
        &t,
        ProblemKind::UnknownField,
        "indicators[0].items[0].remark",
        ("remark", 1),
    );
    assert!(
        p.message.contains("comparator"),
        "lists the allowed keys: {}",
        p.message
    );
}

// ------------------------------------------------------------------------------------------
// (c) Several mistakes are all reported at once, in file order.

#[test]
fn every_problem_is_reported_at_once() {
    let mut t = MINI.to_owned();
    t = edit(&t, "parent = \"530500\"", "parent = \"530599\"", 1);
    t = edit(&t, "measure = \"rural_income\"", "measure = \"gpd / 2\"", 1);
    t = edit(
        &t,
        "cooperating = [\"市统计局\"]",
        "cooperating = [\"市统计厅\"]",
        1,
    );
    t = edit(&t, "code = \"I08\"", "code = \"I01\"", 1);
    t = edit(&t, "end = 2017-03-30", "end = 2016-12-31", 1);
    t = edit(
        &t,
        "lead = [\"市农业局\"]\ndue",
        "lead = [\"市农业厅\"]\ndue",
        1,
    );
    let err = programme::load_str(&t, "mini.toml").unwrap_err();
    let got: Vec<(ProblemKind, &str, usize)> = err
        .problems()
        .iter()
        .map(|p| (p.kind, p.field.as_str(), p.line))
        .collect();
    assert_eq!(
        got,
        [
            (
                ProblemKind::UnknownRegion,
                "regions[1].parent",
                line_of(&t, "parent", 1)
            ),
            (
                ProblemKind::UnknownMetric,
                "indicators[0].items[0].measure",
                line_of(&t, "gpd", 1)
            ),
            (
                ProblemKind::UnknownUnit,
                "indicators[0].items[0].cooperating[0]",
                line_of(&t, "市统计厅", 1)
            ),
            (
                ProblemKind::DuplicateCode,
                "indicators[1].items[0].code",
                line_of(&t, "code = \"I01\"", 2)
            ),
            (
                ProblemKind::InvertedDates,
                "phases[0].end",
                line_of(&t, "end = 2016", 1)
            ),
            (
                ProblemKind::UnknownUnit,
                "phases[0].tasks[0].lead[0]",
                line_of(&t, "市农业厅", 1)
            ),
        ]
    );
    let shown = err.to_string();
    assert!(shown.starts_with("mini.toml: 6 problems"), "{shown}");
    for p in err.problems() {
        let line = format!(
            "mini.toml:{}:{}: {}: {}",
            p.line, p.column, p.field, p.message
        );
        assert!(shown.contains(&line), "{shown}\nlacks {line}");
    }
    assert_eq!(err.problems()[3].kind.as_str(), "duplicate_code");
}

// ------------------------------------------------------------------------------------------
// (e) Syntax and shape errors name line and column.

#[test]
fn toml_syntax_error_has_line_and_column() {
    let t = edit(MINI, "threshold = 6000", "threshold = = 6000", 1);
    match programme::load_str(&t, "mini.toml") {
        Err(ProgrammeError::Syntax {
            file,
            line,
            column,
            message,
            ..
        }) => {
            assert_eq!(
                (file.as_str(), line, column),
                ("mini.toml", line_of(&t, "threshold = =", 1), 13),
                "{message}"
            );
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // Column counts characters, not bytes: an unterminated string after Chinese text.
    let t = edit(MINI, "name = \"隆阳区\"", "name = \"隆阳区", 1);
    let err = programme::load_str(&t, "mini.toml").unwrap_err();
    match &err {
        ProgrammeError::Syntax { line, column, .. } => {
            assert_eq!(*line, line_of(&t, "name = \"隆阳区", 1), "{err}");
            assert!(*column >= 8 && *column <= 12, "{err}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn shape_error_names_line_column_and_field() {
    let t = edit(MINI, "comparator = \">=\"", "comparator = \"=>\"", 1);
    let err = programme::load_str(&t, "mini.toml").unwrap_err();
    match &err {
        ProgrammeError::Syntax {
            line,
            column,
            field,
            message,
            ..
        } => {
            assert_eq!(*line, line_of(&t, "comparator = \"=>\"", 1), "{err}");
            assert_eq!(*column, 14, "{err}");
            assert_eq!(field, "indicators[0].items[0].comparator", "{err}");
            assert!(message.contains("=>"), "{err}");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    assert!(err.to_string().starts_with(&format!(
        "mini.toml:{}:14: indicators[0].items[0].comparator: ",
        line_of(&t, "=>", 1)
    )));
}

#[test]
fn comparators_and_attributes_accept_the_documented_spellings() {
    for (written, cmp) in [
        ("≥", Comparator::Ge),
        (">", Comparator::Gt),
        ("<=", Comparator::Le),
        ("<", Comparator::Lt),
        ("=", Comparator::Eq),
    ] {
        let t = edit(
            MINI,
            "comparator = \">=\"",
            &format!("comparator = \"{written}\""),
            1,
        );
        let p = programme::load_str(&t, "mini.toml").unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(p.indicators[0].items[0].comparator, cmp);
        assert_eq!(
            p.indicators[0].items[0].attribute,
            Attribute::Binding,
            "约束性"
        );
    }
}

#[test]
fn missing_required_key_is_a_shape_error_at_its_table() {
    let t = edit(MINI, "comparator = \">=\"\n", "comparatr = \">=\"\n", 1);
    match programme::load_str(&t, "mini.toml").unwrap_err() {
        ProgrammeError::Syntax {
            line,
            column,
            field,
            message,
            ..
        } => {
            assert_eq!((line, column), pos_of(&t, "[[indicators.items]]", 1));
            assert_eq!(field, "indicators[0].items[0]");
            assert!(message.contains("missing field `comparator`"), "{message}");
            assert!(
                message.contains("unknown key `comparatr`"),
                "the misspelling is pointed out: {message}"
            );
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    let err = programme::load_str("id = \"x\"\n", "mini.toml").unwrap_err();
    assert_eq!(err.to_string(), "mini.toml:1:1: missing field `title`");
}
