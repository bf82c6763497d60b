questionnaire "v" {
  question "q" { type = "scale12" },
}
