questionnaire "v" {
  question "q" { type = "scale5", labels = "excelent-poor" },
}
