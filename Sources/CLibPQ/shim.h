// libpq from Debian's libpq-dev; postgres_ext.h is found beside libpq-fe.h.
#include <postgresql/libpq-fe.h>
