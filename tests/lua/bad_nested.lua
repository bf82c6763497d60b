plan "P1" {
  owner = "ops",
  verify = { metric = "mean:R1",
             alpha = "0.05" },
}
