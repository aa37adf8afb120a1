#include "scan.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char word[] = "autocomp";

int scan_buffer_for_pragma(const char *buf, unsigned long len)
{
	return memmem(buf, len, word, sizeof(word) - 1) != NULL;
}

int scan_file_for_pragma(const char *path)
{
	struct stat st;
	void *map;
	int fd, found;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	found = scan_buffer_for_pragma(map, (unsigned long)st.st_size);
	munmap(map, (size_t)st.st_size);
	return found;
}
