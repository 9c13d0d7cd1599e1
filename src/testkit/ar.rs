//! Writes `ar` archives (GNU with `/` symbol index and `//` long-name
//! table, BSD with `#1/NN` names and `__.SYMDEF`), fat files whose slices
//! are `ar` archives (how CocoaPods binary SDKs ship "universal" static
//! libraries), and the iOS static-library fixture. Layouts as described in
//! `native::ar`. Test code: panics on misuse are acceptable here.

use crate::testkit::macho::{Arch, MachOSpec, build_thin};

/// Naming convention to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// GNU: `/` index, `//` long names, `name/`.
    Gnu,
    /// BSD: `__.SYMDEF` index, `#1/NN` names.
    Bsd,
}

fn header(name: &[u8], size: usize) -> Vec<u8> {
    let mut h = Vec::with_capacity(60);
    let mut field = |v: &[u8], w: usize| {
        let mut f = v.to_vec();
        f.resize(w, b' ');
        h.extend_from_slice(&f[..w]);
    };
    field(name, 16);
    field(b"0", 12);
    field(b"0", 6);
    field(b"0", 6);
    field(b"644", 8);
    field(size.to_string().as_bytes(), 10);
    h.extend_from_slice(b"`\n");
    h
}

fn push_member(out: &mut Vec<u8>, name: &[u8], body: &[u8]) {
    out.extend(header(name, body.len()));
    out.extend_from_slice(body);
    if !out.len().is_multiple_of(2) {
        out.push(b'\n');
    }
}

/// An archive of `members` (name, bytes) with a symbol index listing
/// `symbols` (symbol, index of the member defining it).
pub fn build(style: Style, members: &[(&str, Vec<u8>)], symbols: &[(&str, usize)]) -> Vec<u8> {
    // Member header offsets depend on the index size, which depends only on
    // the symbol names: lay out the index with zero offsets first.
    let index = |offsets: &[u64]| -> (Vec<u8>, Vec<u8>) {
        match style {
            Style::Gnu => {
                let mut b = (symbols.len() as u32).to_be_bytes().to_vec();
                for (_, m) in symbols {
                    b.extend((offsets[*m] as u32).to_be_bytes());
                }
                for (s, _) in symbols {
                    b.extend_from_slice(s.as_bytes());
                    b.push(0);
                }
                (b"/".to_vec(), b)
            }
            Style::Bsd => {
                let mut strs = Vec::new();
                let mut ranlib = Vec::new();
                for (s, m) in symbols {
                    ranlib.extend((strs.len() as u32).to_le_bytes());
                    ranlib.extend((offsets[*m] as u32).to_le_bytes());
                    strs.extend_from_slice(s.as_bytes());
                    strs.push(0);
                }
                while !strs.len().is_multiple_of(4) {
                    strs.push(0);
                }
                let mut b = (ranlib.len() as u32).to_le_bytes().to_vec();
                b.extend(ranlib);
                b.extend((strs.len() as u32).to_le_bytes());
                b.extend(strs);
                (b"__.SYMDEF SORTED".to_vec(), b)
            }
        }
    };
    let render = |offsets: &[u64]| -> (Vec<u8>, Vec<u64>) {
        let mut out = b"!<arch>\n".to_vec();
        if !symbols.is_empty() {
            let (name, body) = index(offsets);
            match style {
                Style::Gnu => push_member(&mut out, &name, &body),
                Style::Bsd => {
                    let mut b = name.clone();
                    b.extend([0u8; 4]);
                    let n = b.len();
                    b.extend(body);
                    push_member(&mut out, format!("#1/{n}").as_bytes(), &b);
                }
            }
        }
        let mut long = Vec::new();
        let mut long_at = Vec::new();
        if style == Style::Gnu {
            for (name, _) in members {
                if name.len() >= 16 {
                    long_at.push(Some(long.len()));
                    long.extend_from_slice(name.as_bytes());
                    long.extend_from_slice(b"/\n");
                } else {
                    long_at.push(None);
                }
            }
            if !long.is_empty() {
                push_member(&mut out, b"//", &long);
            }
        }
        let mut placed = Vec::new();
        for (i, (name, body)) in members.iter().enumerate() {
            placed.push(out.len() as u64);
            match style {
                Style::Gnu => match long_at[i] {
                    Some(at) => push_member(&mut out, format!("/{at}").as_bytes(), body),
                    None => push_member(&mut out, format!("{name}/").as_bytes(), body),
                },
                Style::Bsd => {
                    let mut b = name.as_bytes().to_vec();
                    while !b.len().is_multiple_of(8) {
                        b.push(0);
                    }
                    let n = b.len();
                    b.extend_from_slice(body);
                    push_member(&mut out, format!("#1/{n}").as_bytes(), &b);
                }
            }
        }
        (out, placed)
    };
    let (_, offsets) = render(&vec![0; members.len()]);
    render(&offsets).0
}

/// A fat file of `(cputype, cpusubtype, slice bytes)`, slices aligned to 2^12.
pub fn build_fat_of(slices: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let align = 12u32;
    let mut out = 0xcafe_babeu32.to_be_bytes().to_vec();
    out.extend((slices.len() as u32).to_be_bytes());
    let mut off = (8 + 20 * slices.len()).next_multiple_of(1 << align);
    let mut placed = Vec::new();
    for (cpu, sub, s) in slices {
        for x in [*cpu, *sub, off as u32, s.len() as u32, align] {
            out.extend(x.to_be_bytes());
        }
        placed.push(off);
        off = (off + s.len()).next_multiple_of(1 << align);
    }
    for ((_, _, s), at) in slices.iter().zip(placed) {
        out.resize(at, 0);
        out.extend_from_slice(s);
    }
    out
}

/// An `MH_OBJECT` member for `arch` defining the ObjC classes `classes`
/// and importing `imports`.
pub fn object(arch: Arch, classes: &[&str], imports: &[&str]) -> Vec<u8> {
    build_thin(&MachOSpec {
        arch,
        filetype: 1,
        exports: classes
            .iter()
            .map(|c| format!("_OBJC_CLASS_$_{c}"))
            .collect(),
        imports: imports.iter().map(|s| s.to_string()).collect(),
        objc_classes: classes.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    })
}

/// The static library of `fixtures/libSampleSDK.a`: a fat file of two BSD
/// `ar` archives (arm64, x86_64), each with an SDWebImage-like object (ObjC
/// classes `SDImageCache`, `SDWebImageManager`; imports the required-reason
/// API `_stat`; SDWebImage is on Apple's list of SDKs needing a manifest)
/// and an Agora-like one (`AgoraRtcEngineKit`; imports
/// `_mach_absolute_time`), the second with a name longer than 15 bytes.
pub fn sample_static_lib() -> Vec<u8> {
    let slice = |arch: Arch| {
        build(
            Style::Bsd,
            &[
                (
                    "SDImageCache.o",
                    object(arch, &["SDImageCache", "SDWebImageManager"], &["_stat"]),
                ),
                (
                    "AgoraRtcEngineKitCore.o",
                    object(arch, &["AgoraRtcEngineKit"], &["_mach_absolute_time"]),
                ),
            ],
            &[
                ("_OBJC_CLASS_$_SDImageCache", 0),
                ("_OBJC_CLASS_$_SDWebImageManager", 0),
                ("_OBJC_CLASS_$_AgoraRtcEngineKit", 1),
            ],
        )
    };
    build_fat_of(&[
        (0x0100_000c, 0, slice(Arch::Arm64)),
        (0x0100_0007, 3, slice(Arch::X86_64)),
    ])
}
