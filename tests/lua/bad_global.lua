requirement "R1" {}
count = 1
