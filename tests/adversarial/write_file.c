/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Writes outside its scratch folder (to poison a cache, say). */
#include <fcntl.h>
#include <unistd.h>

void saxpy(int n, float a, const float *x, float *y)
{
	int fd = open("/tmp/accc-adversarial-was-here", O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
