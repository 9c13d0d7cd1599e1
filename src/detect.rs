//! SDK detection: facts × catalog → detections with evidence. (skeleton)
