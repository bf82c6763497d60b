requirement "R1" {
  target = 4.5,
  need = ,
}
