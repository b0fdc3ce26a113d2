#ifndef XEN_LITE_VERSION_H
#define XEN_LITE_VERSION_H

#define XEN_LITE_VERSION "0.1.0"

#endif
