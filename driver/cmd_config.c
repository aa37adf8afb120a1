/* accc config: every effective value and where it came from. */
#include "cmds.h"
#include "compiler.h"
#include "config.h"

#include <stdio.h>
#include <string.h>

int cmd_config(int argc, const char **argv)
{
	const char *problems;
	size_t i;

	config_load();
	for (i = 0; config_keys[i].name; i++) {
		const char *v = config_get(config_keys[i].name);
		if (config_keys[i].flags & CONFIG_SECRET)
			v = *v ? "(set, not shown)" : "";
		if (!strcmp(config_keys[i].name, "prompts_dir"))
			v = prompts_dir(); /* the folder a search would use */
		printf("%-18s = %-24s (%s)\n", config_keys[i].name, v,
		       config_origin(config_keys[i].name));
	}
	problems = config_problems();
	if (*problems)
		fprintf(stderr, "%s", problems);
	return 0;
}
