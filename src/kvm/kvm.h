/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM model is public: include/s2dump/kvm.h. This name stays for the core's includes. */
#ifndef S2DUMP_SRC_KVM_H
#define S2DUMP_SRC_KVM_H
#include "s2dump/kvm.h"
#endif
