use super::*;
use crate::testkit::data_safety::DataSafetyCsv;

fn vocab() -> &'static DataTypes {
    DataTypes::embedded()
}

#[test]
fn reads_types_usage_and_flags() {
    let mut csv = DataSafetyCsv::new(true);
    csv.declare("PSL_DEVICE_ID", true, &["PSL_ANALYTICS", "PSL_ADVERTISING"]);
    csv.declare("PSL_APPROX_LOCATION", false, &["PSL_APP_FUNCTIONALITY"]);
    csv.answer(
        "PSL_DATA_TYPES_PERSONAL",
        "PSL_NAME",
        "",
        "MULTIPLE_CHOICE",
        "Name, unanswered",
    );
    let ds = parse(&csv.bytes(), "ds.csv", vocab()).unwrap();
    assert_eq!(ds.collects_data, Some(true));
    assert_eq!(ds.encrypted_in_transit, Some(true));
    let ids: Vec<&str> = ds.types.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["PSL_APPROX_LOCATION", "PSL_DEVICE_ID"]);
    let dev = &ds.types[1];
    assert!(dev.collected && dev.shared);
    assert_eq!(dev.ephemeral, Some(false));
    assert_eq!(dev.required, Some(true));
    assert_eq!(dev.purposes, ["PSL_ANALYTICS", "PSL_ADVERTISING"]);
    assert_eq!(dev.row, 5);
    assert!(!ds.types[0].shared);
    assert!(ds.unknown.is_empty(), "{:?}", ds.unknown);
    assert_eq!(ds.rows, 3 + 7 + 6 + 1);
}

#[test]
fn unknown_ids_are_kept_with_their_row() {
    let mut csv = DataSafetyCsv::new(true);
    csv.answer(
        "PSL_DATA_TYPES_PERSONAL",
        "PSL_FAVOURITE_COLOUR",
        "true",
        "MULTIPLE_CHOICE",
        "x",
    );
    csv.answer("PSL_BRAND_NEW_QUESTION", "", "true", "OPTIONAL", "new");
    csv.answer(
        "PSL_DATA_USAGE_RESPONSES:PSL_DEVICE_ID:PSL_DATA_USAGE_NEW",
        "PSL_X",
        "true",
        "MULTIPLE_CHOICE",
        "y",
    );
    csv.answer(
        "PSL_DATA_TYPES_IDENTIFIERS",
        "PSL_DEVICE_ID",
        "Selected",
        "MULTIPLE_CHOICE",
        "z",
    );
    let ds = parse(&csv.bytes(), "ds.csv", vocab()).unwrap();
    let got: Vec<(u32, &str)> = ds
        .unknown
        .iter()
        .map(|u| (u.row, u.question.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (5, "PSL_DATA_TYPES_PERSONAL"),
            (6, "PSL_BRAND_NEW_QUESTION"),
            (
                7,
                "PSL_DATA_USAGE_RESPONSES:PSL_DEVICE_ID:PSL_DATA_USAGE_NEW"
            ),
            (8, "PSL_DATA_TYPES_IDENTIFIERS"),
        ]
    );
    assert_eq!(ds.unknown[0].response, "PSL_FAVOURITE_COLOUR");
    assert_eq!(ds.unknown[3].value, "Selected");
    assert!(ds.types.is_empty());
}

#[test]
fn bom_quotes_and_case_are_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        b"\"Question ID (machine readable)\",\"Response ID (machine readable)\",\"Response value\",\"Answer requirement\",\"Human-friendly question label\"\n\
\"PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA\",\"\",\"FALSE\",\"REQUIRED\",\"Collects, \"\"or\"\" shares?\"\n",
    );
    let ds = parse(&bytes, "q.csv", vocab()).unwrap();
    assert_eq!(ds.collects_data, Some(false));
    assert_eq!(ds.rows, 1);
}

#[test]
fn a_foreign_header_is_an_error_naming_file_and_row() {
    let e = parse(
        b"Question ID (machine readable - do not modify),Answer\nPSL_X,true\n",
        "play/ds.csv",
        vocab(),
    )
    .unwrap_err();
    assert!(
        e.starts_with("play/ds.csv: row 1: not a Play Console Data safety export"),
        "{e}"
    );
    assert!(e.contains("\"Question ID (machine readable)\""), "{e}");
}

#[test]
fn a_short_row_or_open_quote_is_an_error_naming_the_row() {
    let mut csv = DataSafetyCsv::new(true).bytes();
    csv.extend_from_slice(b"PSL_DATA_TYPES_PERSONAL,PSL_NAME,true\r\n");
    let e = parse(&csv, "ds.csv", vocab()).unwrap_err();
    assert!(e.starts_with("ds.csv: row 5: malformed CSV"), "{e}");
    let mut open = DataSafetyCsv::new(true).bytes();
    open.extend_from_slice(b"PSL_X,,true,REQUIRED,\"never closed\r\n");
    assert!(parse(&open, "o.csv", vocab()).is_ok_and(|d| d.unknown.len() == 1));
    assert!(
        parse(b"", "empty.csv", vocab())
            .unwrap_err()
            .contains("row 1")
    );
    assert!(parse(b"\xff\xfe\x00", "bin.csv", vocab()).is_err());
}

#[test]
fn read_caps_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("data-safety.csv");
    assert!(read(&p).unwrap_err().contains("data-safety.csv"));
    let mut csv = DataSafetyCsv::new(false);
    csv.declare("PSL_CRASH_LOGS", false, &[]);
    std::fs::write(&p, csv.bytes()).unwrap();
    let ds = read(&p).unwrap();
    assert_eq!(ds.types.len(), 1);
    assert!(ds.source.ends_with("data-safety.csv"));
}
