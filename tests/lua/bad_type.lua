-- wrong type
requirement "R1" { target = 4.5 }
requirement "R2" { target = "high" }
