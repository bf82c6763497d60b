requirement "R1" { target = 4.5 }
questionnaire "visit" {
  question "q1" { type = "scale5", measures = "R9" },
}
