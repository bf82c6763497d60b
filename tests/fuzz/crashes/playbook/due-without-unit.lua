plan "P1" { due = "30" }
