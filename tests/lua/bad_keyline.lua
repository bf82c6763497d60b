requirement "R1" {
  text = "Immediate attention",
  need = "primary",
  tagret = 4.5,
}
