"""A local Tencent CI emulator: `server.Emulator`, queue sets in `data`, faults in `faults.FAULTS`."""
