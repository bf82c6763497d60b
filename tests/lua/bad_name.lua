requirment "R1" { target = 4.5 }
