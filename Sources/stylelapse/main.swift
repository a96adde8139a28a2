// The `stylelapse` executable: the commands (module Commands).

import Commands

StyleLapseCommand.main()
