use super::*;
use crate::testkit::ar::{Style, build};

fn members() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("a.o", b"first member".to_vec()),
        ("a_very_long_member_name_over_16.o", b"odd".to_vec()),
        ("b.o", b"x".to_vec()),
    ]
}

#[test]
fn gnu_long_names_and_symbol_index() {
    let data = build(Style::Gnu, &members(), &[("sym_a", 0), ("sym_long", 1)]);
    let a = parse(&data, "lib.a", &Limits::default()).unwrap();
    assert_eq!(a.flavor, ArFlavor::Gnu);
    let names: Vec<&str> = a.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a.o", "a_very_long_member_name_over_16.o", "b.o"]);
    assert_eq!(a.members[1].data, b"odd");
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.symbol_index.len(), 2);
    assert_eq!(a.symbol_index[1].0, "sym_long");
    assert_eq!(a.symbol_index[1].1, a.members[1].header_offset);
}

#[test]
fn bsd_names_and_symdef() {
    let data = build(Style::Bsd, &members(), &[("_sym_b", 2)]);
    let a = parse(&data, "lib.a", &Limits::default()).unwrap();
    assert_eq!(a.flavor, ArFlavor::Bsd);
    assert_eq!(a.members.len(), 3);
    assert_eq!(a.members[1].name, "a_very_long_member_name_over_16.o");
    // The #1/NN name is not part of the member's data.
    assert_eq!(a.members[0].data, b"first member");
    assert_eq!(
        a.symbol_index,
        vec![("_sym_b".to_string(), a.members[2].header_offset)]
    );
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn malformed_members_are_problems_not_panics() {
    let good = build(Style::Gnu, &members(), &[]);
    // Size past the end.
    let mut past = good.clone();
    let last = past.len() - 2; // inside the last member
    past.truncate(last);
    let a = parse(&past, "x.a", &Limits::default()).unwrap();
    assert_eq!(a.members.len(), 2);
    assert!(a.problems[0].contains("past the end"), "{:?}", a.problems);
    // Broken terminator on the first member header.
    let mut term = good.clone();
    term[8 + 58] = b'X';
    let a = parse(&term, "x.a", &Limits::default()).unwrap();
    assert!(a.members.is_empty());
    assert!(a.problems[0].contains("terminator"));
    // Non-numeric size.
    let mut size = good.clone();
    size[8 + 48] = b'z';
    let a = parse(&size, "x.a", &Limits::default()).unwrap();
    assert!(a.problems[0].contains("non-numeric"));
    // A long name pointing outside the // table.
    let mut name = good.clone();
    let at = memchr::memmem::find(&name, b"/0  ").unwrap();
    name[at + 1] = b'9';
    name[at + 2] = b'9';
    let a = parse(&name, "x.a", &Limits::default()).unwrap();
    assert!(
        a.problems.iter().any(|p| p.contains("not in the // table")),
        "{:?}",
        a.problems
    );
    assert_eq!(a.members.len(), 3);
    // BSD name longer than the member.
    let mut bsd = build(Style::Bsd, &[("n.o", b"ab".to_vec())], &[]);
    let at = memchr::memmem::find(&bsd, b"#1/8").unwrap();
    bsd[at + 3] = b'9';
    bsd[at + 4] = b'9';
    let a = parse(&bsd, "x.a", &Limits::default()).unwrap();
    assert!(a.members.is_empty());
    assert!(a.problems[0].contains("BSD name"), "{:?}", a.problems);
}

#[test]
fn member_cap_and_bad_headers() {
    let data = build(Style::Gnu, &members(), &[]);
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    let a = parse(&data, "x.a", &limits).unwrap();
    assert!(a.problems.iter().any(|p| p.contains("max_entries")));
    assert!(matches!(
        parse(b"!<thin>\nxx", "t.a", &Limits::default()),
        Err(ArError::Thin { .. })
    ));
    assert!(matches!(
        parse(b"PK\x03\x04", "t.a", &Limits::default()),
        Err(ArError::NotAr { .. })
    ));
}

#[test]
fn hostile_symbol_index_counts() {
    // A `/` index claiming 2^32-1 symbols in 8 bytes.
    let mut data = b"!<arch>\n".to_vec();
    data.extend_from_slice(b"/               0           0     0     644     8         `\n");
    data.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    let a = parse(&data, "x.a", &Limits::default()).unwrap();
    assert!(a.symbol_index.is_empty());
    assert!(a.problems[0].contains("symbol index"), "{:?}", a.problems);
}
