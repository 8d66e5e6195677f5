"""The batch: jobs, worker processes and engines that build and check many authorities at once."""
