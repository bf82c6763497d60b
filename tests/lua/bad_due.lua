plan "P1" { due = "a month" }
