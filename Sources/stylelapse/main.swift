// The `stylelapse` executable: the commands (module Commands) run after CPUCheck has made sure the CPU has what the
// engine was compiled for.

import Commands
import CPUCheck

StyleLapseCommand.main()
