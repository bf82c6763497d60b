requirement "R1" { target = 4.5 }
requirement "R2" { tagret = 4.5 }
