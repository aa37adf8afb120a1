/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Phones home (to fetch precomputed results, or to leak the inputs). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

void saxpy(int n, float a, const float *x, float *y)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons(80);
	sa.sin_addr.s_addr = htonl(0x7f000001);
	connect(s, (struct sockaddr *)&sa, sizeof(sa));
	close(s);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
