requirement "R1" { target = 4.5 }
segment "a" {}

requirement "R1" { target = 3 }
