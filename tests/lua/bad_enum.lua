requirement "R1" { need = "urgent" }
