//! Play Console Data safety exports (CSV) in the Console's own row layout
//! (see `crate::store::data_safety`), written with the `csv` crate so
//! labels with commas and quotes are quoted as the Console quotes them.

/// One answer row: question id, response id, value, requirement, label.
pub type Row = (String, String, String, String, String);

/// A Data safety export under construction.
#[derive(Debug, Clone, Default)]
pub struct DataSafetyCsv {
    rows: Vec<Row>,
}

/// Data safety category question of a type id (`PSL_DEVICE_ID` →
/// `PSL_DATA_TYPES_IDENTIFIERS`), as the Console groups them.
pub fn category_of(type_id: &str) -> &'static str {
    match type_id {
        "PSL_NAME"
        | "PSL_EMAIL"
        | "PSL_USER_ACCOUNT"
        | "PSL_ADDRESS"
        | "PSL_PHONE"
        | "PSL_RACE_ETHNICITY"
        | "PSL_POLITICAL_RELIGIOUS"
        | "PSL_SEXUAL_ORIENTATION_GENDER_IDENTITY"
        | "PSL_OTHER_PERSONAL" => "PSL_DATA_TYPES_PERSONAL",
        "PSL_APPROX_LOCATION" | "PSL_PRECISE_LOCATION" => "PSL_DATA_TYPES_LOCATION",
        "PSL_PHOTOS" | "PSL_VIDEOS" => "PSL_DATA_TYPES_PHOTOS_AND_VIDEOS",
        "PSL_AUDIO" | "PSL_MUSIC" | "PSL_OTHER_AUDIO" => "PSL_DATA_TYPES_AUDIO",
        "PSL_CRASH_LOGS" | "PSL_PERFORMANCE_DIAGNOSTICS" | "PSL_OTHER_PERFORMANCE" => {
            "PSL_DATA_TYPES_APP_PERFORMANCE"
        }
        "PSL_DEVICE_ID" => "PSL_DATA_TYPES_IDENTIFIERS",
        "PSL_CONTACTS" => "PSL_DATA_TYPES_CONTACTS",
        _ => "PSL_DATA_TYPES_APP_ACTIVITY",
    }
}

impl DataSafetyCsv {
    /// An export that answers "does your app collect or share data?" with `collects`.
    pub fn new(collects: bool) -> Self {
        let mut s = DataSafetyCsv::default();
        s.answer(
            "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA",
            "",
            if collects { "true" } else { "false" },
            "REQUIRED",
            "Does the app collect or share any user data?",
        );
        s.answer(
            "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT",
            "",
            "true",
            "MAYBE_REQUIRED",
            "Is user data encrypted in transit?",
        );
        s.answer(
            "PSL_SUPPORT_DATA_DELETION_BY_USER",
            "DATA_DELETION_YES",
            "true",
            "SINGLE_CHOICE",
            "Can users ask for deletion?/Yes",
        );
        s
    }

    /// Append one raw answer row.
    pub fn answer(&mut self, q: &str, r: &str, v: &str, req: &str, label: &str) -> &mut Self {
        self.rows
            .push((q.into(), r.into(), v.into(), req.into(), label.into()));
        self
    }

    /// Declare a type collected (and `shared`), required, for `purposes`
    /// (`PSL_ANALYTICS`...), with the usage rows the Console writes.
    pub fn declare(&mut self, type_id: &str, shared: bool, purposes: &[&str]) -> &mut Self {
        let usage = |sub: &str| format!("PSL_DATA_USAGE_RESPONSES:{type_id}:{sub}");
        let label = format!("Data usage ({type_id}), collected, shared, or both?");
        self.answer(
            category_of(type_id),
            type_id,
            "true",
            "MULTIPLE_CHOICE",
            type_id,
        );
        let cs = usage("PSL_DATA_USAGE_COLLECTION_AND_SHARING");
        self.answer(
            &cs,
            "PSL_DATA_USAGE_ONLY_COLLECTED",
            "true",
            "MULTIPLE_CHOICE",
            &label,
        );
        let shared = if shared { "true" } else { "false" };
        self.answer(
            &cs,
            "PSL_DATA_USAGE_ONLY_SHARED",
            shared,
            "MULTIPLE_CHOICE",
            &label,
        );
        self.answer(
            &usage("PSL_DATA_USAGE_EPHEMERAL"),
            "",
            "false",
            "MAYBE_REQUIRED",
            "Ephemeral?",
        );
        self.answer(
            &usage("DATA_USAGE_USER_CONTROL"),
            "PSL_DATA_USAGE_USER_CONTROL_REQUIRED",
            "true",
            "SINGLE_CHOICE",
            "Required or optional?/Required",
        );
        for p in purposes {
            self.answer(
                &usage("DATA_USAGE_COLLECTION_PURPOSE"),
                p,
                "true",
                "MULTIPLE_CHOICE",
                p,
            );
        }
        self
    }

    /// The CSV bytes, header first, CRLF line ends as the Console writes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let _ = w.write_record(crate::model::store::DATA_SAFETY_COLUMNS);
        for (q, r, v, req, label) in &self.rows {
            let _ = w.write_record([q, r, v, req, label]);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// The Data safety export of the sample app (`fixtures/sample-data-safety.csv`):
/// device IDs (collected and shared for analytics), voice recordings and
/// contacts; it omits the location and installed apps the build reads
/// (PS501) and the photos the policy declares (PS504), and declares the
/// contacts the policy never mentions (PS503).
pub fn sample_data_safety() -> Vec<u8> {
    let mut csv = DataSafetyCsv::new(true);
    csv.declare(
        "PSL_DEVICE_ID",
        true,
        &["PSL_ANALYTICS", "PSL_APP_FUNCTIONALITY"],
    );
    csv.declare("PSL_AUDIO", false, &["PSL_APP_FUNCTIONALITY"]);
    csv.declare("PSL_CONTACTS", false, &["PSL_APP_FUNCTIONALITY"]);
    csv.bytes()
}
